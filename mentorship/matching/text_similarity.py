"""How alike a venture's need statement and a mentor's expertise read.

TF-IDF over character n-grams of 3 to 5 letters taken inside words (each word padded with a space,
like scikit-learn's "char_wb" analyser), sublinear term frequency, smoothed IDF, cosine similarity.
Character n-grams catch shared stems across inflections and small typos ("bylaw"/"bylaws",
"coop"/"co-op", "gouvernance"/"governance") without a stemmer per language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

NGRAM_SIZES = (3, 4, 5)
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Lower case without accents, so "Coopérative" and "cooperative" share their n-grams."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


def word_ngrams(word: str, sizes: Sequence[int] = NGRAM_SIZES) -> list[str]:
    padded = f" {word} "
    grams = []
    for n in sizes:
        if len(padded) <= n:
            grams.append(padded)  # a short word counts once, whole
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def tfidf_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """One L2-normalised row per text; IDF is learnt from these texts."""
    vocabulary: dict[str, int] = {}
    ngram_ids_of_word: dict[str, np.ndarray] = {}
    rows, columns = [], []
    for row, text in enumerate(texts):
        ids = []
        for word in words(text):
            word_ids = ngram_ids_of_word.get(word)
            if word_ids is None:
                word_ids = np.fromiter(
                    (vocabulary.setdefault(g, len(vocabulary)) for g in word_ngrams(word)), dtype=np.int64
                )
                ngram_ids_of_word[word] = word_ids
            ids.append(word_ids)
        if ids:
            joined = np.concatenate(ids)
            columns.append(joined)
            rows.append(np.full(len(joined), row, dtype=np.int64))
    shape = (len(texts), max(len(vocabulary), 1))
    if not columns:
        return sparse.csr_matrix(shape, dtype=np.float64)
    row_index, column_index = np.concatenate(rows), np.concatenate(columns)
    counts = sparse.csr_matrix((np.ones(len(row_index)), (row_index, column_index)), shape=shape)
    counts.sum_duplicates()

    document_frequency = np.bincount(counts.indices, minlength=shape[1])
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1
    weights = counts.copy()
    weights.data = (1 + np.log(weights.data)) * idf[weights.indices]
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.diags(1 / norms) @ weights


def similarity_matrix(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every `left` text with every `right` text, 0–1, as a dense array."""
    vectors = tfidf_vectors([*left, *right])
    a, b = vectors[: len(left)], vectors[len(left) :]
    similarity = (a @ b.T).toarray()
    return np.clip(similarity, 0.0, 1.0)


# Words too common to say anything about a person's expertise.
_COMMON_WORDS = frozenset(
    """
    about also and are been being both but can coop coops cooperative cooperatives could does doing
    done each established experience experienced from have help helped helping into just know like
    lot make many more most much need needs other our ours over platform some such than that the
    their them then there these they this those through very want was were what when where which
    while who will with work worked working would years your
    """.split()
)


def shared_words(a: str, b: str, limit: int = 3) -> list[str]:
    """Telling words that appear in both texts, in the order of `a`: the wording of an explanation."""
    in_b = set(words(b))
    found: list[str] = []
    for word in words(a):
        if len(word) >= 4 and word in in_b and word not in _COMMON_WORDS and word not in found:
            found.append(word)
            if len(found) == limit:
                break
    return found
