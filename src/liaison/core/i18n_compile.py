"""Compile the .po catalogues to .mo with polib, so no GNU gettext is needed to build (`make messages`)."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# Topic catalogues: one folder per line of work (locale_parts/<topic>/<lang>/LC_MESSAGES/django.po), so that work
# in parallel adds its messages without editing the one big catalogue; `make messages` folds them in later.
PARTS_DIR = LOCALE_DIR.parent / "locale_parts"


def catalogue_dirs() -> list[Path]:
    """The main locale folder first (it wins where a message is in two), then each topic's, by name."""
    return [LOCALE_DIR, *sorted(path for path in PARTS_DIR.glob("*") if path.is_dir())]


def compile_all(locale_dir: Path | None = None) -> list[Path]:
    written = []
    dirs = [locale_dir] if locale_dir is not None else catalogue_dirs()
    for po_path in sorted(po for folder in dirs for po in folder.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def part_add(topic: str, entries: dict[str, tuple[str, str]]) -> None:
    """Add or update messages in a topic catalogue: {msgid: (German, Ukrainian)}; creates the catalogue if new."""
    for index, lang in enumerate(("de", "uk")):
        po_path = PARTS_DIR / topic / lang / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalogue = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
        catalogue.metadata = {
            "Project-Id-Version": "liaison",
            "Language": lang,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS[lang],
        }
        for msgid, translations in entries.items():
            existing = catalogue.find(msgid)
            if existing is not None:
                existing.msgstr = translations[index]
            else:
                catalogue.append(polib.POEntry(msgid=msgid, msgstr=translations[index]))
        catalogue.save(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))


def fold_parts(languages: tuple[str, ...] = ("de", "uk")) -> list[str]:
    """After `makemessages` re-extracted the main catalogue: fill its untranslated entries from the topic
    catalogues, then remove those (their messages now live in the main one). Returns the msgids still
    untranslated, which need a translator; the topic catalogues are kept if any remain."""
    missing: list[str] = []
    parts = [folder for folder in catalogue_dirs() if folder != LOCALE_DIR]
    for lang in languages:
        main = polib.pofile(str(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"))
        known: dict[tuple[str | None, str], polib.POEntry] = {}
        for folder in parts:
            po_path = folder / lang / "LC_MESSAGES" / "django.po"
            if po_path.exists():
                for entry in polib.pofile(str(po_path)).translated_entries():
                    known.setdefault((entry.msgctxt or None, entry.msgid), entry)
        for entry in main:
            if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
                continue
            source = known.get((entry.msgctxt or None, entry.msgid))
            if source is None:
                missing.append(f"{lang}: {entry.msgid}")
                continue
            entry.msgstr, entry.msgstr_plural = source.msgstr, dict(source.msgstr_plural)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        main.save()
    if not missing:
        for folder in parts:
            for path in sorted(folder.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            folder.rmdir()
    return missing


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["fold"]:
        untranslated = fold_parts()
        for msgid in untranslated:
            print(f"untranslated: {msgid}")
    for path in compile_all():
        print(f"compiled {path}")
