"""Four languages: URL prefixes, the switcher, translated strings, and entry text with its fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Entry, EntryTranslation

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def html(response) -> str:
    return response.content.decode()


def test_english_has_no_prefix_and_the_others_do(catalogue_loaded, client):
    english = client.get("/directory/")
    assert english.status_code == 200
    assert '<html lang="en">' in html(english)
    assert "Search the directory" in html(english)

    expected = {
        "fr": ("Rechercher dans l’annuaire", "Trier par", "Pays", "Appliquer les filtres"),
        "sv": ("Sök i katalogen", "Sortera efter", "Land", "Använd filtren"),
        "es": ("Buscar en el directorio", "Ordenar por", "País", "Aplicar los filtros"),
    }
    for code, strings in expected.items():
        response = client.get(f"/{code}/directory/")
        assert response.status_code == 200, code
        page = html(response)
        assert f'<html lang="{code}">' in page
        for text in strings:
            assert text in page, (code, text)
        assert "Search the directory" not in page
        # Links on the page stay in the language: the cards lead to /fr/directory/<slug>/.
        assert re.search(rf'href="/{code}/directory/[a-z0-9-]+/"', page), code


def test_result_count_is_translated_with_plurals(catalogue_loaded, client):
    total = Entry.objects.published().count()
    assert f"of {total} organisations" in html(client.get("/directory/"))
    assert f"sur {total} organisations" in html(client.get("/fr/directory/"))
    assert f"av {total} organisationer" in html(client.get("/sv/directory/"))
    assert f"de {total} organizaciones" in html(client.get("/es/directory/"))


def test_the_same_entry_page_is_served_in_every_language(catalogue_loaded, client):
    entry = Entry.objects.published().get(name="Fairmondo")
    assert "Sources" in html(client.get(f"/directory/{entry.slug}/"))
    assert "Suggérer une modification" in html(client.get(f"/fr/directory/{entry.slug}/"))
    assert "Föreslå en ändring" in html(client.get(f"/sv/directory/{entry.slug}/"))
    assert "Sugerir un cambio" in html(client.get(f"/es/directory/{entry.slug}/"))
    assert client.get(f"/de/directory/{entry.slug}/").status_code == 404


def test_switcher_links_to_the_same_page_in_each_language(catalogue_loaded, client):
    page = html(client.get("/fr/directory/?q=bike&country=FR"))
    switcher = page[page.index('class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = dict(re.findall(r'<a href="([^"]+)" lang="([a-z]+)"', switcher))
    assert {lang: url.replace("&amp;", "&") for url, lang in links.items()} == {
        "en": "/directory/?q=bike&country=FR",
        "fr": "/fr/directory/?q=bike&country=FR",
        "sv": "/sv/directory/?q=bike&country=FR",
        "es": "/es/directory/?q=bike&country=FR",
    }
    # Each option names its language in that language, and the page's own is marked.
    assert 'lang="sv" hreflang="sv">Svenska</a>' in switcher
    assert re.search(r'lang="fr" hreflang="fr" aria-current="true">Français</a>', switcher)
    assert switcher.count("aria-current") == 1
    # Following a link really switches the interface.
    assert '<html lang="sv">' in html(client.get(links_by_lang(links)["sv"]))


def links_by_lang(links: dict) -> dict:
    return {lang: url.replace("&amp;", "&") for url, lang in links.items()}


def test_unprefixed_urls_stay_english_whatever_the_browser_asks(catalogue_loaded, client):
    response = client.get("/directory/", headers={"accept-language": "fr"})
    assert '<html lang="en">' in html(response)


def test_admin_health_and_open_data_are_outside_the_prefix(catalogue_loaded, client):
    assert client.get("/health/").status_code == 200
    assert client.get("/fr/health/").status_code == 404
    assert client.get("/fr/admin/").status_code == 404
    assert client.get("/admin/").status_code in (200, 302)
    assert client.get("/fr/django-admin/").status_code == 404


def test_compiled_catalogues_are_in_the_tree_and_complete():
    """Every string of the site chrome, the directory and the submission forms is translated and
    compiled (other pages: run bin/translations and fill the .po files; msgfmt --statistics counts)."""
    public = (
        "portal/templates/base.html",
        "portal/templates/404.html",
        "directory/templates/directory/directory_page.html",
        "directory/templates/directory/entry_detail.html",
        "directory/templates/directory/includes/",
        "directory/templates/directory/submissions/_form.html",
        "directory/templates/directory/submissions/add.html",
        "directory/templates/directory/submissions/suggest.html",
        "directory/templates/directory/submissions/thanks.html",
        "directory/templates/directory/submissions/too_many.html",
        "directory/submissions/forms.py",
        "search/facets.py",
        "search/api.py",
    )
    for code in ("fr", "sv", "es"):
        folder = LOCALE / code / "LC_MESSAGES"
        assert (folder / "django.mo").stat().st_size > 1000, code
        missing = [
            msgid
            for msgid, msgstr, refs in read_po(folder / "django.po")
            if msgid and any(ref.startswith(public) for ref in refs) and not msgstr
        ]
        assert missing == [], (code, missing)


def read_po(path: Path):
    """(msgid, msgstr, references) of a .po file: enough of the format to find gaps."""
    entries, refs, current, field = [], [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#:"):
            refs += line[2:].split()
        elif line.startswith("#, fuzzy"):
            current["fuzzy"] = True
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            field, _, value = line.partition(" ")
            field = field.split("[")[0]
            if field == "msgid" and "msgid" in current:
                continue
            current[field] = current.get(field, "") + value.strip()[1:-1]
        elif line.startswith('"') and field:
            current[field] = current.get(field, "") + line.strip()[1:-1]
        elif not line.strip() and current:
            msgstr = "" if current.get("fuzzy") else current.get("msgstr", "")
            entries.append((current.get("msgid", ""), msgstr, [r.split(":")[0] for r in refs]))
            refs, current, field = [], {}, None
    return entries


# Entry descriptions: translations and the fallback -------------------------------------------


@pytest.fixture
def bilingual(make_entry):
    entry = make_entry(
        "Velo Commun",
        summary="A bicycle repair co-op owned by its riders.",
        description="<p>Riders own the workshop.</p>",
        text_language="en",
        country="AQ",  # alone there: the listing filtered by it shows just this card
    )
    EntryTranslation.objects.create(
        entry=entry,
        language="fr",
        summary="Une coopérative de réparation de vélos détenue par ses cyclistes.",
        description="<p>Les cyclistes possèdent l’atelier.</p>",
    )
    # Spanish: only the summary is translated; the description falls back on its own.
    EntryTranslation.objects.create(entry=entry, language="es", summary="Una cooperativa de bicicletas.")
    return entry


def test_entry_page_shows_the_active_language_and_falls_back_to_the_original(bilingual, client):
    url = f"/directory/{bilingual.slug}/"
    english = html(client.get(url))
    assert '<p class="summary" itemprop="description">A bicycle repair co-op' in english
    assert "Riders own the workshop." in english and "cyclistes" not in english

    french = html(client.get("/fr" + url))
    assert '<p class="summary" itemprop="description">Une coopérative de réparation' in french
    assert "Les cyclistes possèdent l’atelier." in french
    assert "A bicycle repair co-op" not in french and "Riders own" not in french

    # Swedish has no translation: the original, marked as English for screen readers.
    swedish = html(client.get("/sv" + url))
    assert '<p class="summary" itemprop="description" lang="en">A bicycle repair co-op' in swedish
    assert re.search(r'<section class="description"[^>]* lang="en">\s*<p>Riders own', swedish)

    spanish = html(client.get("/es" + url))
    assert '<p class="summary" itemprop="description">Una cooperativa de bicicletas.' in spanish
    assert re.search(r'<section class="description"[^>]* lang="en">\s*<p>Riders own', spanish)


def test_fallback_has_no_lang_attribute_when_the_original_language_is_unknown(make_entry, client):
    entry = make_entry("Unknown Tongue Co-op", summary="Somewhere, somehow.", text_language="")
    page = html(client.get(f"/sv/directory/{entry.slug}/"))
    assert '<p class="summary" itemprop="description">Somewhere, somehow.</p>' in page


def test_listing_cards_use_the_translation_in_a_fixed_number_of_queries(bilingual, catalogue_loaded, client):
    french = html(client.get("/fr/directory/?country=AQ"))
    assert "<p>Une coopérative de réparation de vélos détenue par ses cyclistes.</p>" in french
    swedish = html(client.get("/sv/directory/?country=AQ"))
    # No Swedish text: the original, marked as English.
    assert '<p lang="en">A bicycle repair co-op owned by its riders.</p>' in swedish
    assert "<p>A bicycle repair co-op owned by its riders.</p>" in html(client.get("/directory/?country=AQ"))

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    client.get("/fr/directory/")
    assert queries("/fr/directory/?per_page=10") == queries("/fr/directory/?per_page=100")


def test_text_in_picks_each_field_on_its_own(bilingual):
    text = bilingual.text_in("es")
    assert text.summary == "Una cooperativa de bicicletas." and text.summary_lang is None
    assert text.description == "<p>Riders own the workshop.</p>" and text.description_lang == "en"
    assert bilingual.text_in("en").summary_lang is None
    assert bilingual.text_in("fr-ca").summary.startswith("Une coopérative")


def test_a_word_with_two_meanings_is_translated_by_its_context():
    """"Change" is a button (verb) and a column of status changes (noun); "applications open"
    is a cohort's state and the label of a date."""
    from django.utils.translation import gettext, override, pgettext

    expected = {
        "fr": ("Changer", "Changement", "candidatures ouvertes", "ouverture des candidatures"),
        "es": ("Cambiar", "Cambio", "solicitudes abiertas", "apertura de solicitudes"),
    }
    for code, (verb, noun, state, date_label) in expected.items():
        with override(code):
            assert gettext("Change") == verb
            assert pgettext("a change of status, noun", "Change") == noun
            assert gettext("applications open") == state
            assert pgettext("the date a cohort starts taking applications", "applications open") == date_label
