"""The German and Ukrainian catalogues are complete, compiled and consistent with their English source strings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.utils import translation

from liaison.core.i18n_compile import PLURAL_FORMS, catalogue_dirs

LANGUAGES = ["de", "uk"]
# Every catalogue: the main one and each topic's under locale_parts/, in each language.
CATALOGUES = [
    pytest.param(folder / lang / "LC_MESSAGES", lang, id=f"{folder.name}-{lang}")
    for folder in catalogue_dirs()
    for lang in LANGUAGES
    if (folder / lang / "LC_MESSAGES" / "django.po").exists()
]
# printf-style conversions as Python's %-operator reads them: %(name)s, %(score).2f, %(id)d, %s and the literal %%.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%%|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]")


def _po(folder: Path) -> polib.POFile:
    return polib.pofile(str(folder / "django.po"))


def _mo(folder: Path) -> polib.MOFile:
    return polib.mofile(str(folder / "django.mo"))


def _messages(catalogue: Any) -> dict[tuple[str | None, str], Any]:
    """msgctxt+msgid → msgstr (or the tuple of plural forms) for every translated, non-fuzzy entry."""
    result: dict[tuple[str | None, str], Any] = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            value: Any = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        result[(entry.msgctxt or None, entry.msgid)] = value
    return result


@pytest.mark.parametrize(("folder", "lang"), CATALOGUES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(folder: Path, lang: str) -> None:
    po = _po(folder)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 0


@pytest.mark.parametrize(("folder", "lang"), CATALOGUES)
def test_catalogue_headers(folder: Path, lang: str) -> None:
    metadata = _po(folder).metadata
    assert metadata["Language"] == lang
    assert metadata["Plural-Forms"] == PLURAL_FORMS[lang]
    assert "charset=UTF-8" in metadata["Content-Type"]
    assert not any("FULL NAME" in value or "LANGUAGE <LL@li.org>" in value for value in metadata.values())


@pytest.mark.parametrize(("folder", "lang"), CATALOGUES)
def test_every_plural_form_is_filled(folder: Path, lang: str) -> None:
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang]).group(1))
    for entry in _po(folder):
        if entry.msgid_plural and not entry.obsolete:
            assert sorted(entry.msgstr_plural) == list(range(nplurals)), entry.msgid
            assert all(form.strip() for form in entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize(("folder", "lang"), CATALOGUES)
def test_compiled_catalogue_is_in_sync(folder: Path, lang: str) -> None:
    po_messages = _messages(_po(folder))
    mo_messages = _messages(_mo(folder))
    missing = sorted(key[1] for key in po_messages.keys() - mo_messages.keys())
    stale = sorted(key[1] for key in mo_messages.keys() - po_messages.keys())
    assert missing == [], "run `python -m liaison.core.i18n_compile`"
    assert stale == [], "run `python -m liaison.core.i18n_compile`"
    differing = sorted(key[1] for key in po_messages if po_messages[key] != mo_messages[key])
    assert differing == [], "run `python -m liaison.core.i18n_compile`"
    assert _mo(folder).metadata.get("Plural-Forms") == PLURAL_FORMS[lang]


@pytest.mark.parametrize(("folder", "lang"), CATALOGUES)
def test_translations_keep_the_placeholders(folder: Path, lang: str) -> None:
    broken = []
    for entry in _po(folder):
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural)) | set(PLACEHOLDER.findall(entry.msgid))
            translations = list(entry.msgstr_plural.values())
        else:
            wanted = set(PLACEHOLDER.findall(entry.msgid))
            translations = [entry.msgstr]
        for text in translations:
            if text and set(PLACEHOLDER.findall(text)) != wanted:
                broken.append((entry.msgid, text))
    assert broken == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "Willkommen bei liaison"), ("uk", "Ласкаво просимо до liaison"), ("en", "Welcome to liaison")],
)
def test_catalogue_is_loaded_by_django(lang: str, expected: str) -> None:
    with translation.override(lang):
        assert translation.gettext("Welcome to liaison") == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("de-DE,de;q=0.9", ["Anmelden", "Passwort", 'lang="de"']),
        ("uk-UA,uk;q=0.9,en;q=0.5", ["Увійти", "Пароль", 'lang="uk"']),
    ],
)
def test_login_page_is_translated(db: Any, accept: str, expected: list[str]) -> None:
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page
    assert "User name" not in page
