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

__all__ = ["clean", "fold", "phonetic_key", "search_keys", "split_words"]

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
# ё after a consonant is written yo, jo, io, ë or plain e (Королёв: Korolyov, Koroljow, Korolëv, Korolev), and
# Ukrainian writes it ьо/йо (Корольов, Воробйов): all of them key as "e", which is also what Cyrillic ё keys as.
_YO_AFTER_CONSONANT = re.compile(r"(?<=[bcdfgklmnprstvxzw])io")
_VOWEL_PAIRS: tuple[tuple[str, str], ...] = (("ie", "e"), ("ae", "a"), ("oe", "o"), ("ue", "u"), ("ou", "u"))


# Evasion of name matching (issue 6): a listed name written with look-alike letters of another script, hidden
# behind a right-to-left override, broken by invisible characters or spelt out letter by letter. `clean` undoes
# each of these before a name is split into words, for screening and registry search alike.
_RLO, _PDF = "\u202e", "\u202c"
# Look-alike letters (Unicode TR39 confusables.txt) between the three scripts our names come in: a word is read
# in the script most of its letters belong to, and look-alikes from the other script are mapped into it.
_CYRILLIC_TO_LATIN: dict[str, str] = {
    "А": "A", "а": "a", "В": "B", "Е": "E", "е": "e", "Ё": "Ë", "ё": "ë", "К": "K", "М": "M", "Н": "H",
    "О": "O", "о": "o", "Р": "P", "р": "p", "С": "C", "с": "c", "Т": "T", "у": "y", "У": "Y", "Х": "X",
    "х": "x", "І": "I", "і": "i", "Ї": "Ï", "ї": "ï", "Ј": "J", "ј": "j", "Ѕ": "S", "ѕ": "s", "Ԛ": "Q",
    "ԛ": "q", "Ԝ": "W", "ԝ": "w", "һ": "h", "ԁ": "d", "Ү": "Y", "ɡ": "g",
}  # fmt: skip
_GREEK_TO_LATIN: dict[str, str] = {
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "ο": "o", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u",
}  # fmt: skip
_LATIN_TO_CYRILLIC: dict[str, str] = {
    latin: cyrillic for cyrillic, latin in _CYRILLIC_TO_LATIN.items() if len(latin) == 1 and latin.isascii()
}
_TO_LATIN = str.maketrans({**_CYRILLIC_TO_LATIN, **_GREEK_TO_LATIN})
_GREEK_TO_CYRILLIC = {greek: _LATIN_TO_CYRILLIC.get(latin, latin) for greek, latin in _GREEK_TO_LATIN.items()}
_TO_CYRILLIC = str.maketrans({**_LATIN_TO_CYRILLIC, **_GREEK_TO_CYRILLIC})
_LETTER_RUN = re.compile(r"\w+")
_LATIN_LETTERS = frozenset(
    chr(c) for c in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250)] if chr(c).isalpha()
)
_CYRILLIC_LETTERS = frozenset(chr(c) for c in range(0x400, 0x530))
_GREEK_LETTERS = frozenset(chr(c) for c in range(0x370, 0x400))
# Unicode's format characters (category Cf): bidirectional controls, zero-width spaces and joiners, soft hyphen.
# (Unicode 14 / Python 3.11; tests/engines/test_translit.py checks the list against unicodedata.)
_FORMAT_RANGES = (
    (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2),
    (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_FORMAT_CHARS = frozenset(chr(c) for low, high in _FORMAT_RANGES for c in range(low, high + 1))
_DROP_FORMAT = str.maketrans(dict.fromkeys(_FORMAT_CHARS))
# Three or more single letters separated by white space ("P u t i n"), or four or more with dots ("P.U.T.I.N").
_SPACED_LETTERS = re.compile(r"(?<!\w)(?:[^\W\d_]\s+){2,}[^\W\d_](?!\w)|(?<!\w)(?:[^\W\d_][.\s]+){3,}[^\W\d_]\.?(?!\w)")


def _undo_overrides(text: str) -> str:
    """Text inside a right-to-left override is shown reversed: return it in the order a reader sees it."""
    out: list[str] = []
    rest = text
    while _RLO in rest:
        before, _, after = rest.partition(_RLO)
        inside, _, rest = after.partition(_PDF)
        out.extend((before, inside[::-1]))
    out.append(rest)
    return "".join(out)


def _script(ch: str) -> str:
    if "\u0400" <= ch <= "\u052f":
        return "cyrillic"
    return "greek" if "\u0370" <= ch <= "\u03ff" else "latin"


def _unmix_word(match: re.Match[str]) -> str:
    """A word mixing scripts is read in the script of most of its letters (Рutin → Putin, Шeвчeнкo → Шевченко)."""
    word = match.group(0)
    if word.isascii():
        return word
    scripts = [_script(ch) for ch in word if ch.isalpha()]
    if len(set(scripts)) < 2:
        return word
    cyrillic = scripts.count("cyrillic")
    return word.translate(_TO_CYRILLIC) if cyrillic * 2 > len(scripts) else word.translate(_TO_LATIN)


def _join_letters(match: re.Match[str]) -> str:
    return "".join(ch for ch in match.group(0) if ch.isalpha())


def clean(text: str) -> str:
    """Undo the usual ways of disguising a name, keeping the name itself unchanged.

    NFKC (fullwidth and mathematical letters), right-to-left overrides read in visual order, invisible format
    characters (zero-width spaces and joiners, bidirectional controls, soft hyphens) removed, words that mix
    look-alike Latin, Cyrillic and Greek letters read in one script, and spaced-out letters joined.

    >>> clean("\u202eoknehcvehS\u202c Taras")
    'Shevchenko Taras'
    >>> clean("S h e v c h e n k o")
    'Shevchenko'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _RLO in text:
            text = _undo_overrides(text)
        chars = set(text)
        if not chars.isdisjoint(_FORMAT_CHARS):
            text = text.translate(_DROP_FORMAT)
        scripts = (_LATIN_LETTERS, _CYRILLIC_LETTERS, _GREEK_LETTERS)
        if sum(not chars.isdisjoint(letters) for letters in scripts) > 1:
            text = _LETTER_RUN.sub(_unmix_word, text)
    return _SPACED_LETTERS.sub(_join_letters, text) if _maybe_spaced(text) else text


def _maybe_spaced(text: str) -> bool:
    """Cheap test before the regular expression: three one-letter words, or three dots."""
    return text.count(".") >= 3 or sum(len(word) == 1 for word in text.split()) >= 3


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
    if "ьо" in text:
        text = text.replace("ьо", "ё")
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
    if "io" in text:
        text = _YO_AFTER_CONSONANT.sub("e", text)
    return _DOUBLES.sub(r"\1", text)


def split_words(text: str) -> list[str]:
    """Split ``text`` into words on punctuation and space; apostrophes join ("Khar'kov" is one word)."""
    return [word for word in _WORD_SPLIT.split(clean(text).translate(_DROP_APOSTROPHES)) if word]


def search_keys(text: str) -> list[str]:
    """Return the phonetic key of each word of ``text`` in order, dropping words that leave no key.

    Words are keyed from the original script, not from :func:`fold`, so that e.g. Cyrillic з+г is not
    misread as the digraph "zh" of the romanised form.
    """
    keys = (phonetic_key(word) for word in split_words(text))
    return [key for key in keys if key]
