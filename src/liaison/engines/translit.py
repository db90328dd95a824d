"""Script- and transliteration-independent text keys for names.

Why this exists: the same Ukrainian company or person reaches the platform as "Шевченко", "Shevchenko",
"Schewtschenko" (German Duden) or "Ševčenko" (ISO 9), and a German supplier as "Müller" or "Mueller".
Registry search and sanctions screening must treat these as one name, so both use the keys built here.

Two levels:

* :func:`fold` gives a *readable* Latin form (lower case, Cyrillic romanised after the Ukrainian national
  system of 2010, diacritics and umlauts removed, ß → ss, punctuation → space).  It is meant for display
  and prefix search, not for deciding identity.
* :func:`phonetic_key` collapses every common romanisation of one Cyrillic name onto one key.  It maps
  letters onto sound classes, so the key is not readable; the classes used in the key are:

  ``x``  х / г / ґ / ч: kh, ch, h, g, tsch, tch, č (German "ch" is х, English "ch" is ч, Ukrainian г is
         romanised h, Russian г is g -- only merging them lets every system collide)
  ``w``  ш / ж: sh, sch, zh, š, ž;  щ becomes ``wx`` (shch, schtsch, šč, ŝ)
  ``s``  с / з / ц: s, z, c, ts, tz, ß (German z is ц, national z is з; ISO 9 "ck" is цк, so German
         "ck" is deliberately not read as k)
  ``i``  и / і / ї / й / ы and y, j;  ``v`` is v and w;  Latin x is ``ks``

  Then double letters collapse, "ie" (є, ye, je) becomes "e", the digraphs ae/oe/ue collapse onto the
  umlaut's base vowel and "ou" becomes "u".  Soft signs and apostrophes disappear.  Endings -iy, -yi, -ij,
  -ii and -y all end in a single "i" through the same rules.

The keys are deliberately coarse: they feed candidate blocking and token equality; a fuzzy scorer decides
the final similarity.  Ukrainian and Russian *forms* of a given name (Олександр/Александр) are different
words and are not merged here -- that is a table in the screening engine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

__all__ = ["fold", "phonetic_key", "search_keys", "split_words"]

# Readable romanisation (Ukrainian national 2010 for Ukrainian letters, BGN-like for Russian-only ones).
# Word-initial forms of є/ї/й/ю/я differ in the national system; see _INITIAL_CYR.
_FOLD_CYR: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ъ": "", "ы": "y", "э": "e",
    "ё": "e", "ў": "u",
}  # fmt: skip
_INITIAL_CYR: dict[str, str] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Texts with a Russian-only letter use the Russian reading of г and и.
_RUSSIAN_ONLY = frozenset("ыэъё")
_RUSSIAN_CYR: dict[str, str] = {"г": "g", "и": "i"}

# Latin letters whose diacritic carries a distinct sound (ISO 9, Czech/Croatian-style romanisations).
_SPECIAL_LATIN_FOLD: dict[str, str] = {
    "š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "ĉ": "ch", "û": "yu", "â": "ya", "ê": "ye",
    "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "þ": "th",
}  # fmt: skip
_APOSTROPHES = "'’ʼʹʺ`´‘ʻ\u02bc"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_ALNUM_KEY = re.compile(r"[^0-9a-zA-Z]+")
_WORD_SPLIT = re.compile(r"[\W_]+")

# Phonetic key: Cyrillic straight to sound classes (upper case = already classified, so the Latin
# digraph rules below cannot re-read them; e.g. з+г must not become "zh").
_KEY_CYR = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "X", "ґ": "X", "д": "d", "е": "e", "є": "ie", "ж": "W",
        "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
        "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "X", "ц": "S",
        "ч": "X", "ш": "W", "щ": "WX", "ь": "", "ю": "iu", "я": "ia", "ъ": "", "ы": "i", "э": "e",
        "ё": "e", "ў": "u",
    }
)  # fmt: skip
_KEY_SPECIAL_LATIN = str.maketrans(
    {"š": "W", "č": "X", "ž": "W", "ŝ": "WX", "ĉ": "X", "û": "iu", "â": "ia", "ê": "ie",
     "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
)  # fmt: skip
# Longest first: schtsch and shch before tsch, tsch before sch, sch before sh/ch.
_KEY_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("schtsch", "WX"), ("shch", "WX"), ("tsch", "X"), ("sch", "W"), ("tch", "X"), ("zh", "W"),
    ("sh", "W"), ("kh", "X"), ("ch", "X"), ("ts", "S"), ("tz", "S"), ("ph", "f"),
)  # fmt: skip
_KEY_SINGLE = str.maketrans(
    {"x": "kS", "h": "X", "g": "X", "z": "S", "c": "S", "s": "S", "w": "v", "y": "i", "j": "i", "q": "k"}
)
_DOUBLES = re.compile(r"(.)\1+")
_VOWEL_PAIRS: tuple[tuple[str, str], ...] = (("ie", "e"), ("ae", "a"), ("oe", "o"), ("ue", "u"), ("ou", "u"))


def _strip_marks(text: str) -> str:
    """Drop combining marks (ä → a, é → e) and romanise any other script with unidecode."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text if text.isascii() else unidecode(text)


def _fold_cyrillic(text: str) -> str:
    """Romanise Cyrillic letters; Latin passes through unchanged."""
    russian = any(ch in _RUSSIAN_ONLY for ch in text)
    out: list[str] = []
    previous = ""
    for ch in text:
        mapped = _FOLD_CYR.get(ch)
        if ch == "г" and previous == "з" and not russian:
            out.append("gh")  # national 2010: зг is "zgh", so that it is not read as ж ("zh")
        elif mapped is None:
            out.append(ch)
        elif not previous.isalpha() and ch in _INITIAL_CYR:
            out.append(_INITIAL_CYR[ch])
        elif russian and ch in _RUSSIAN_CYR:
            out.append(_RUSSIAN_CYR[ch])
        else:
            out.append(mapped)
        previous = ch
    return "".join(out)


def fold(text: str) -> str:
    """Return a readable, lower-case, Latin, diacritic-free form of ``text`` for display and prefix search.

    >>> fold("ТОВ «Харківський завод»")
    'tov kharkivskyi zavod'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = _fold_cyrillic(text)
        text = "".join(_SPECIAL_LATIN_FOLD.get(ch, ch) for ch in text)
        text = _strip_marks(text)
    text = text.translate(_DROP_APOSTROPHES)
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=1 << 19)
def phonetic_key(word: str) -> str:
    """Return a key on which all common romanisations of the same (Cyrillic) word collide.

    Cached because watchlists repeat the same surnames and given names hundreds of thousands of times.

    >>> phonetic_key("Schewtschenko") == phonetic_key("Шевченко") == phonetic_key("Ševčenko")
    True
    """
    text = unicodedata.normalize("NFKC", word).casefold() if not word.isascii() else word.lower()
    if not text.isascii():
        text = _strip_marks(text.translate(_KEY_CYR).translate(_KEY_SPECIAL_LATIN))
    text = _NON_ALNUM_KEY.sub("", text)
    for digraph, sound in _KEY_DIGRAPHS:
        if digraph in text:
            text = text.replace(digraph, sound)
    text = _DOUBLES.sub(r"\1", text.translate(_KEY_SINGLE).lower())
    for pair, vowel in _VOWEL_PAIRS:
        if pair in text:
            text = text.replace(pair, vowel)
    return _DOUBLES.sub(r"\1", text)


def split_words(text: str) -> list[str]:
    """Split ``text`` into words on punctuation and space; apostrophes join ("Khar'kov" is one word)."""
    return [word for word in _WORD_SPLIT.split(text.translate(_DROP_APOSTROPHES)) if word]


def search_keys(text: str) -> list[str]:
    """Return the phonetic key of each word of ``text`` in order, dropping words that leave no key.

    Words are keyed from the original script, not from :func:`fold`, so that e.g. Cyrillic з+г is not
    misread as the digraph "zh" of the romanised form.
    """
    keys = (phonetic_key(word) for word in split_words(text))
    return [key for key in keys if key]
