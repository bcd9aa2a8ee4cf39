"""Every proposal in words: "Both work on funding and governance; both speak French; 2 hours apart"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGE_NAMES = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "ig": "Igbo", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "kn": "Kannada", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "nb": "Norwegian", "ne": "Nepali",
    "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "wo": "Wolof", "xh": "Xhosa", "yo": "Yoruba",
    "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip

_FRACTIONS = {0: "", 15: "¼", 30: "½", 45: "¾"}


@dataclass(frozen=True)
class PairFacts:
    """What a venture and a mentor have in common, gathered while scoring."""

    shared_topics: Sequence[str] = ()
    missing_topics: Sequence[str] = ()
    shared_languages: Sequence[str] = ()
    hours_apart: float = 0.0
    common_hours: float = 0.0
    working_day: float = 9.0
    shared_sector: str | None = None
    #: The venture's stage when it is one the mentor prefers to work with.
    preferred_stage: str | None = None
    shared_words: Sequence[str] = ()
    rank: int | None = None
    reason: str = ""


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0].split("_")[0], code)


def join(items: Sequence[str]) -> str:
    """Items as "a, b and c"; items that hold an "and" themselves are quoted, so the list reads right."""
    items = list(items)
    if len(items) > 1 and any(" and " in item for item in items):
        items = [f"“{item}”" for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def hours(value: float, unit: str = "hour") -> str:
    """2 hours, 1 hour, 5½ hours, 45 minutes."""
    minutes = round(value * 60)
    whole, rest = divmod(minutes, 60)
    if whole == 0 and rest:
        return f"{rest} minutes"
    if rest in _FRACTIONS:
        plural = "" if whole == 1 and not rest else "s"
        return f"{whole}{_FRACTIONS[rest]} {unit}{plural}"
    return f"{whole} {unit}s {rest} minutes"


def explain(facts: PairFacts) -> str:
    parts = []
    if facts.shared_topics:
        topics = f"both work on {join(facts.shared_topics)}"
        if facts.missing_topics:
            topics += f" (not on {join(facts.missing_topics)})"
        parts.append(topics)
    elif facts.missing_topics:
        parts.append(f"no shared topics (the venture needs {join(facts.missing_topics)})")
    if facts.shared_words:
        parts.append(f"both mention {join([f'“{word}”' for word in facts.shared_words])}")
    if facts.shared_languages:
        names = sorted({language_name(code) for code in facts.shared_languages})
        parts.append(f"both speak {join(names)}")
    parts.append(_time(facts))
    if facts.shared_sector:
        parts.append(f"both know {facts.shared_sector}")
    if facts.preferred_stage:
        parts.append(f"the mentor likes working with ventures at the {facts.preferred_stage} stage")
    if facts.rank is not None:
        choice = f"the venture's {ordinal(facts.rank)} choice"
        reason = " ".join(facts.reason.split())
        parts.append(f"{choice}: “{reason}”" if reason else choice)
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _time(facts: PairFacts) -> str:
    if round(facts.hours_apart * 60) == 0:
        return "same time zone"
    apart = f"{hours(facts.hours_apart)} apart"
    if facts.common_hours <= 0:
        return f"{apart}, no working hours in common"
    if facts.common_hours >= facts.working_day:
        return apart
    return f"{apart}, {hours(facts.common_hours, 'working hour')} in common"
