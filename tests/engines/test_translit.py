"""Tests for the shared text keys: every common romanisation of a name must collide, neighbours must not."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from liaison.engines.translit import clean, fold, phonetic_key, search_keys, split_words

SAME_NAME_GROUPS: list[tuple[str, ...]] = [
    ("Kharkiv", "Харків", "Charkiw", "Harkiv", "KHARKIV"),
    ("Schewtschenko", "Шевченко", "Shevchenko", "Ševčenko", "SHEVCHENKO"),
    ("Müller", "Mueller", "Muller", "MÜLLER"),
    ("Straße", "Strasse", "STRASSE"),
    ("Укроборонпром", "Ukroboronprom"),
    ("Khar'kov", "Харьков", "Kharkov", "Charkow", "Har’kov"),
    ("Konowalow", "Коновалов", "Konovalov"),
    ("Juri", "Юрій", "Юрий", "Yuriy", "Yurii", "Iurii", "Jurij", "Ûrìj"),
    ("Oleksandr", "Олександр", "Olexandr"),
    ("Aleksandr", "Александр", "Alexandr"),
    ("Зеленський", "Zelenskyi", "Zelenskyy", "Zelensky", "Zelenskiy", "Selenskyj", "Zelenskij"),
    ("Щербаков", "Shcherbakov", "Schtscherbakow", "Ščerbakov", "Ŝerbakov"),
    ("Жуков", "Zhukov", "Schukow", "Žukov"),
    ("Цой", "Tsoi", "Tsoy", "Zoi", "Coj"),
    ("Григорій", "Григорий", "Hryhorii", "Grigoriy", "Grigorij", "Hryhorij"),
    ("Андрієнко", "Andriienko", "Andrienko", "Andrijenko", "Andriyenko"),
    ("Євген", "Yevhen", "Jewhen", "Evhen"),
    ("Евгений", "Yevgeniy", "Evgenii", "Jewgeni", "Evgenij"),
    ("Згурський", "Zghurskyi", "Zgurskiy"),
    ("Марія", "Mariia", "Mariya", "Marija", "Maria"),
    ("Святослав", "Sviatoslav", "Svyatoslav", "Swjatoslaw"),
    ("Хмельницький", "Khmelnytskyi", "Chmelnyzkyj", "Khmel'nitskiy", "Hmelnickij"),
    ("Зуев", "Zuyev", "Zuev", "Sujew"),
    ("Игнатьев", "Ignat'yev", "Ignatev", "Ignatjew", "Ignatiev"),
    ("Петрович", "Petrovych", "Petrovich", "Petrowitsch", "Petrovič"),
    ("Чернігів", "Chernihiv", "Tschernihiw", "Černìgìv"),
    ("Юлія", "Yuliia", "Yuliya", "Julija", "Iuliia"),
    ("Ганна", "Hanna", "Ganna"),
    ("Олексій", "Oleksii", "Oleksiy", "Olexij"),
]

DIFFERENT_NAMES: list[tuple[str, str]] = [
    ("Petrov", "Petrenko"),
    ("Koval", "Kovalenko"),
    ("Shevchenko", "Savchenko"),
    ("Bondar", "Bondarenko"),
    ("Tkachenko", "Tkachuk"),
    ("Moroz", "Morozov"),
    ("Oleksandr", "Oleksii"),
    ("Kravets", "Kravchenko"),
    ("Lysenko", "Lytvynenko"),
    ("Melnyk", "Marchenko"),
    ("Ivanov", "Ivanenko"),
]


@pytest.mark.parametrize("group", SAME_NAME_GROUPS, ids=lambda group: group[0])
def test_all_romanisations_of_a_name_share_one_key(group: tuple[str, ...]) -> None:
    keys = {spelling: phonetic_key(spelling) for spelling in group}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(("left", "right"), DIFFERENT_NAMES)
def test_different_names_keep_different_keys(left: str, right: str) -> None:
    assert phonetic_key(left) != phonetic_key(right)


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Kharkiv", "xarkiv"),
        ("Шевченко", "wevxenko"),
        ("Müller", "muler"),
        ("Straße", "strase"),
        ("Щербаков", "wxerbakov"),
        ("Ivanova", "ivanova"),
        ("", ""),
        ("'-'", ""),
    ],
)
def test_phonetic_key_exact_values(spelling: str, key: str) -> None:
    assert phonetic_key(spelling) == key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ТОВ «Харківський завод»", "tov kharkivskyi zavod"),
        ("Ševčenko, Taras", "shevchenko taras"),
        ("  Müller   &  Söhne GmbH ", "muller sohne gmbh"),
        ("Straße", "strasse"),
        ("Khar'kov", "kharkov"),
        ("Юрій Євгенович", "yurii yevhenovych"),
        ("Згурський", "zghurskyi"),
        ("Жанна Эдуардовна Ёлкина", "zhanna eduardovna elkina"),
        ("ＡＢＣ ｌｔｄ.", "abc ltd"),
        ("Δημήτρης", "demetres"),
    ],
)
def test_fold_is_readable_latin(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_search_keys_key_each_word_in_order() -> None:
    assert search_keys("ТОВ «Харківський завод» Khar'kov -- ") == ["tov", "xarkivski", "savod", "xarkov"]


def test_search_keys_key_words_from_the_original_script() -> None:
    # з+г must stay two sounds; after romanising it would read as the digraph "zh" (ж).
    assert search_keys("Згурський") == search_keys("Zgurskiy") == ["sxurski"]
    assert search_keys("Журський") == ["wurski"]


def test_search_keys_of_empty_text() -> None:
    assert search_keys("  ,.;  ") == []


def test_split_words_keeps_apostrophes_inside_words() -> None:
    assert split_words("O'Brien, Khar’kov-Nord") == ["OBrien", "Kharkov", "Nord"]


# Issue 6, finding 6: listed names escaped screening with a look-alike letter of another script, a right-to-left
# override around the reversed name, spaced letters, or a zero-width space inside the name.
@pytest.mark.parametrize(
    ("disguised", "seen"),
    [
        ("\u0420utin Vladimir", "Putin Vladimir"),  # Cyrillic Р in a Latin word
        ("Шeвчeнкo Тарас", "Шевченко Тарас"),  # Latin e and o in a Cyrillic word
        ("\u0391lpha \u039cotors", "Alpha Motors"),  # Greek capitals
        ("\u202eoknehcvehS\u202c Taras", "Shevchenko Taras"),  # right-to-left override, reversed letters
        ("Taras \u202eoknehcvehS", "Taras Shevchenko"),  # override to the end of the text
        ("Shev\u200bchenko", "Shevchenko"),  # zero-width space
        ("Shev\u200dchen\u2060ko\ufeff", "Shevchenko"),  # zero-width joiner, word joiner, BOM
        ("Sh\u00adevchenko", "Shevchenko"),  # soft hyphen
        ("S h e v c h e n k o Taras", "Shevchenko Taras"),  # spaced letters
        ("Т а р а с Шевченко", "Тарас Шевченко"),
        ("P.U.T.I.N", "PUTIN"),
        ("Ｓｈｅｖｃｈｅｎｋｏ", "Shevchenko"),  # fullwidth
    ],
)
def test_clean_undoes_disguises(disguised: str, seen: str) -> None:
    assert clean(disguised) == seen


@pytest.mark.parametrize(
    "name",
    ["J. R. R. Tolkien", "A B Shevchenko", "Müller GmbH", "ТОВ «Бета Дрони»", "Ολγα", "O'Brien", "Jean-Luc Picard"],
)
def test_clean_leaves_ordinary_names_alone(name: str) -> None:
    assert clean(name) == name


def test_every_unicode_format_character_is_removed() -> None:
    format_chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert format_chars and clean("a" + "".join(format_chars) + "b") == "ab"
