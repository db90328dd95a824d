"""The evaluation set's own romanisation tables, written independently of ``liaison.engines.translit``.

Why separate: if the evaluation generated its spelling variants with the engine's tables, every variant
would trivially match and the quality figures would measure nothing.  These tables follow the published
systems directly: Ukrainian national (Cabinet resolution 55 of 2010), Russian passport (ICAO Doc 9303 as
used by Russian passports since 2013), BGN/PCGN 1947 for Russian, German Duden, and ISO 9:1995.
"""

from __future__ import annotations

VOWELS = set("аеёиоуыэюяіїє")

NATIONAL_UA = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "ы": "y", "э": "e", "ё": "io", "ъ": "",
}  # fmt: skip
NATIONAL_UA_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

PASSPORT_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie",
    "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i", "ї": "i", "є": "ie", "'": "",
}  # fmt: skip

BGN_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "ë", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "\"",
    "ы": "y", "ь": "'", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "'": "'",
}  # fmt: skip
BGN_YE = {"е": "ye", "ё": "yë"}  # word-initially, after a vowel, ъ or ь

DUDEN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch",
    "з": "s", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja", "і": "i", "ї": "ji", "є": "je", "'": "",
}  # fmt: skip
DUDEN_UA = {"г": "h", "и": "y"}  # Duden writes Ukrainian г as h and и as y
DUDEN_JE = {"е": "je"}  # word-initially and after a vowel

ISO9 = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g̀", "д": "d", "е": "e", "є": "ê", "ё": "ë", "ж": "ž",
    "з": "z", "и": "i", "і": "ì", "ї": "ï", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "ш": "š",
    "щ": "ŝ", "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è", "ю": "û", "я": "â", "'": "ʼ",
}  # fmt: skip

SYSTEMS = ("national", "passport", "bgn", "duden", "iso9")
UKRAINIAN_LETTERS = set("іїєґ")


def _word(word: str, system: str) -> str:
    lower = word.lower()
    ukrainian = any(ch in UKRAINIAN_LETTERS for ch in lower)
    out: list[str] = []
    for i, ch in enumerate(lower):
        previous = lower[i - 1] if i else ""
        initial = i == 0
        out.append(_letter(ch, previous, initial, system, ukrainian, lower[i + 1 :]))
    text = "".join(out)
    return text[:1].upper() + text[1:] if word[:1].isupper() else text


def _letter(ch: str, previous: str, initial: bool, system: str, ukrainian: bool, rest: str) -> str:
    """Romanise one letter; context rules of each system are applied here."""
    if system == "national":
        if ch == "г" and previous == "з":
            return "gh"
        return NATIONAL_UA_INITIAL[ch] if initial and ch in NATIONAL_UA_INITIAL else NATIONAL_UA.get(ch, ch)
    if system == "passport":
        return PASSPORT_RU.get(ch, ch)
    if system == "bgn":
        after_vowel = initial or previous in VOWELS or previous in "ъь"
        return BGN_YE[ch] if ch in BGN_YE and after_vowel else BGN_RU.get(ch, ch)
    if system == "duden":
        if ukrainian and ch in DUDEN_UA:
            return DUDEN_UA[ch]
        if ch == "й" and previous in "иы" and not rest:
            return ""  # Duden: -ий → -i, -ый → -y ("Juri", "Gorki")
        if ch in DUDEN_JE and (initial or previous in VOWELS):
            return DUDEN_JE[ch]
        if ch == "с" and previous in VOWELS and rest[:1] in VOWELS:
            return "ss"  # voiceless s between vowels
        return DUDEN.get(ch, ch)
    return ISO9.get(ch, ch)


def romanize(text: str, system: str) -> str:
    """Romanise Cyrillic ``text`` word by word with one of :data:`SYSTEMS`; other characters pass."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}")
    return " ".join(_word(word, system) for word in text.split(" "))
