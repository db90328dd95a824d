"""Name knowledge for screening: legal forms, generic company words, Ukrainian/Russian given-name forms.

Why: transliteration keys alone make "Шевченко" equal "Schewtschenko", but Олександр and Александр are
different *words* for the same given name, "ТОВ" and "LLC" carry no identity, and "Zavod" is shared by
thousands of companies.  This module turns a name into scored tokens that encode that knowledge once, for
both the index (at build time) and the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from importlib import resources

from liaison.engines.screening.model import Kind
from liaison.engines.translit import fold, phonetic_key, search_keys, split_words

# Ukrainian form first, then Russian and common Western spellings that are not mere transliterations.
GIVEN_NAME_FORMS: tuple[tuple[str, ...], ...] = (
    ("Олександр", "Александр", "Alexander", "Oleksander", "Aleksander"),
    ("Олександра", "Александра", "Alexandra", "Oleksandra"),
    ("Олексій", "Алексей", "Alexei", "Alexey"),
    ("Дмитро", "Дмитрий", "Dmitri", "Dmitrij"),
    ("Юрій", "Юрий", "Georg"),
    ("Сергій", "Сергей"),
    ("Микола", "Николай", "Nikolaus", "Nicolai"),
    ("Володимир", "Владимир", "Wladimir", "Waldemar"),
    ("Андрій", "Андрей", "Andreas"),
    ("Григорій", "Григорий", "Gregor"),
    ("Петро", "Пётр", "Петр", "Pyotr", "Pjotr", "Peter"),
    ("Іван", "Иван", "Johann"),
    ("Євген", "Евгений", "Євгеній", "Eugen"),
    ("Євгенія", "Евгения", "Eugenia"),
    ("Олена", "Елена", "Helena", "Alena", "Alyona"),
    ("Наталія", "Наталья", "Наталя", "Natalie"),
    ("Ганна", "Анна", "Hanna"),
    ("Михайло", "Михаил", "Michael"),
    ("Василь", "Василий", "Wassili"),
    ("Павло", "Павел", "Paul"),
    ("Федір", "Фёдор", "Теодор"),
    ("Костянтин", "Константин", "Konstantin"),
    ("Кирило", "Кирилл"),
    ("Яків", "Яков", "Jakob"),
    ("Йосип", "Иосиф", "Josef", "Joseph"),
    ("Георгій", "Георгий"),
    ("Матвій", "Матвей"),
    ("Тимофій", "Тимофей"),
    ("Микита", "Никита"),
    ("Семен", "Семён", "Semyon"),
    ("Ілля", "Илья"),
    ("Лев", "Леонтій"),
    ("В'ячеслав", "Вячеслав"),
    ("Тетяна", "Татьяна"),
    ("Катерина", "Екатерина", "Katharina"),
    ("Ольга", "Olga"),
    ("Ірина", "Ирина"),
    ("Світлана", "Светлана"),
    ("Надія", "Надежда"),
    ("Любов", "Любовь"),
    ("Галина", "Halina"),
    ("Юлія", "Юлия", "Julia"),
    ("Софія", "София", "Sofia", "Sophia"),
    ("Дарія", "Дарья", "Дар'я"),
    ("Анастасія", "Анастасия"),
    ("Вікторія", "Виктория"),
    ("Марія", "Мария"),
    ("Віктор", "Виктор"),
    ("Анатолій", "Анатолий"),
    ("Валерій", "Валерий"),
    ("Віталій", "Виталий"),
    ("Геннадій", "Геннадий"),
    ("Леонід", "Леонид"),
    ("Аркадій", "Аркадий"),
    ("Едуард", "Эдуард"),
    ("Степан", "Stefan"),
    ("Богдан", "Bogdan"),
    ("Ігор", "Игорь"),
    ("Олег", "Олег"),
    ("Тарас", "Тарас"),
    ("Ярослав", "Jaroslaw"),
    ("Станіслав", "Станислав"),
    ("Ростислав", "Ростислав"),
    ("Святослав", "Святослав"),
    ("Роман", "Роман"),
    ("Максим", "Максим"),
    ("Артем", "Артём"),
    ("Борис", "Борис"),
    ("Денис", "Денис"),
    ("Вадим", "Вадим"),
    ("Антон", "Антон"),
    ("Руслан", "Руслан"),
    ("Оксана", "Оксана"),
    ("Людмила", "Людмила"),
    ("Лариса", "Лариса"),
    ("Валентина", "Валентина"),
    ("Валентин", "Валентин"),
    ("Яна", "Яна"),
    # German and other Central European given names, so that "Thomas Möller" is read as given name + surname.
    *(
        (name,)
        for name in (
            "Thomas",
            "Klaus",
            "Jürgen",
            "Wolfgang",
            "Frank",
            "Markus",
            "Martin",
            "Christian",
            "Matthias",
            "Sebastian",
            "Tobias",
            "Jens",
            "Uwe",
            "Dirk",
            "Ralf",
            "Sven",
            "Lars",
            "Daniel",
            "Maximilian",
            "Florian",
            "Lukas",
            "Jonas",
            "Felix",
            "Philipp",
            "Bernd",
            "Holger",
            "Heinz",
            "Hans",
            "Günter",
            "Horst",
            "Dieter",
            "Helmut",
            "Rainer",
            "Stephan",
            "Oliver",
            "Björn",
            "Moritz",
            "Niklas",
            "Torsten",
            "Volker",
            "Werner",
            "Manfred",
            "Gerhard",
            "Petra",
            "Sabine",
            "Susanne",
            "Claudia",
            "Andrea",
            "Monika",
            "Birgit",
            "Katrin",
            "Laura",
            "Lena",
            "Sarah",
            "Lisa",
            "Sandra",
            "Nicole",
            "Stefanie",
            "Christina",
            "Anja",
            "Heike",
            "Ute",
            "Ingrid",
            "Ursula",
            "Renate",
            "Karin",
            "Gabriele",
            "Martina",
            "Silke",
            "Kerstin",
            "Tomasz",
            "Krzysztof",
            "Jakub",
            "Marek",
            "Jiří",
            "Tomáš",
            "Mart",
            "Kristjan",
            "Jonas",
            "Pieter",
            "Jean",
            "Pierre",
        )
    ),
)


def _given_name_table() -> dict[str, str]:
    """Map the phonetic key of every listed form onto the key of the group's first (Ukrainian) form."""
    table: dict[str, str] = {}
    for group in GIVEN_NAME_FORMS:
        canonical = phonetic_key(group[0])
        for form in group:
            table.setdefault(phonetic_key(form), canonical)
    return table


GIVEN_NAMES: dict[str, str] = _given_name_table()
GIVEN_NAME_KEYS: dict[str, tuple[str, ...]] = {}
for _key, _canon in GIVEN_NAMES.items():
    GIVEN_NAME_KEYS[_canon] = (*GIVEN_NAME_KEYS.get(_canon, ()), _key)


def nickname_table(text: str) -> dict[str, frozenset[str]]:
    """Map the key of every diminutive (Саша, Sasha) onto the canonical keys of the full names it may stand for.

    ``text`` is data/nicknames.tsv: a diminutive, a tab, full names separated by commas; # starts a comment.
    A diminutive that is also a given name in its own right keeps that reading.
    """
    table: dict[str, set[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        short, _, full = line.partition("\t")
        names = [name.strip() for name in full.split(",") if name.strip()]
        if not short.strip() or not names or not phonetic_key(short):
            raise ValueError(f"nicknames.tsv, line {number}: expected a diminutive, a tab and full names")
        canons = {GIVEN_NAMES.get(key, key) for key in map(phonetic_key, names)}
        table.setdefault(phonetic_key(short.strip()), set()).update(canons)
    return {key: frozenset(canons) for key, canons in table.items() if key not in GIVEN_NAMES}


NICKNAMES: dict[str, frozenset[str]] = nickname_table(
    resources.files("liaison.engines.screening").joinpath("data/nicknames.tsv").read_text(encoding="utf-8")
)

# Legal forms, written as people write them; compared by phonetic keys, so ТОВ = TOV and ООО = OOO.
LEGAL_FORMS: tuple[str, ...] = (
    "ТОВ", "ТзОВ", "ТДВ", "ООО", "АО", "АТ", "ПАО", "ПАТ", "ПрАТ", "ПрАО", "ЗАО", "ОАО", "ВАТ", "ЗАТ",
    "ДАТ", "НАО", "ДП", "КП", "ПП", "ФОП", "ИП", "ФГУП", "ГУП", "МУП", "АНО", "ДК", "НВП", "НПП",
    "LLC", "JSC", "PJSC", "PrJSC", "OJSC", "CJSC", "SE", "GmbH", "AG", "KG", "OHG", "UG", "eV", "Ltd",
    "Limited", "Inc", "Incorporated", "Corp", "Corporation", "Co", "PLC", "LLP", "LP", "SA", "SAS", "SARL",
    "SRL", "SpA", "BV", "NV", "AB", "AS", "Oy", "Sp z oo", "GmbH Co KG", "Co KG",
    "Товариство з обмеженою відповідальністю", "Общество с ограниченной ответственностью",
    "Акціонерне товариство", "Акционерное общество", "Публічне акціонерне товариство",
    "Публичное акционерное общество", "Приватне акціонерне товариство", "Державне підприємство",
    "Казенне підприємство", "Приватне підприємство", "Федеральное государственное унитарное предприятие",
    "Государственное унитарное предприятие", "Limited Liability Company", "Joint Stock Company",
    "Public Joint Stock Company", "Gesellschaft mit beschränkter Haftung", "Aktiengesellschaft",
    "Kommanditgesellschaft", "State Enterprise", "Private Enterprise",
)  # fmt: skip

# Words shared by many unrelated companies: they count, but far less than a distinctive word.
GENERIC_WORDS: tuple[str, ...] = (
    "завод", "zavod", "plant", "factory", "werk", "werke", "group", "gruppe", "група", "группа", "holding",
    "холдинг", "trading", "trade", "company", "компанія", "компания", "industries", "industrial",
    "industry", "engineering", "systems", "system", "technologies", "technology", "tech", "technik",
    "defence", "defense", "security", "services", "service", "сервіс", "bank", "банк", "international",
    "інтернешнл", "ukraine", "україна", "украина", "ukrainian", "український", "украинский", "russia",
    "россия", "russian", "российский", "germany", "deutschland", "research", "institute", "інститут",
    "институт", "науково", "научно", "виробниче", "производственное", "виробничий", "production",
    "конструкторське", "конструкторское", "бюро", "bureau", "design", "center", "centre", "центр",
    "logistics", "energy", "енерго", "энерго", "invest", "інвест", "capital", "solutions", "export",
    "експорт", "import", "імпорт", "national", "національний", "державний", "государственный", "firma",
    "фірма", "фирма", "concern", "концерн", "association", "асоціація", "союз", "plus", "плюс", "pro",
    "machine", "machinery", "машинобудівний", "машиностроительный", "maschinenbau", "aviation", "авіа",
    "авиа", "electronics", "електроніка", "электроника", "metal", "метал", "steel", "сталь", "oil",
    "gas", "нафта", "газ", "nafta", "partners", "global", "consulting", "management", "development",
    "підприємство", "предприятие", "enterprise", "unternehmen", "об'єднання", "объединение",
)  # fmt: skip

STOPWORDS = frozenset(search_keys("the and und of of für fur i й та и з с в на у by for and & der die das"))

PATRONYMIC_ENDINGS: tuple[str, ...] = ("ovix", "evix", "avix", "ovna", "evna", "avna", "ivna", "ixna", "iix")
# "avix"/"avna": Russian -аевич/-аевна after the key folds "ae" to "a" (Николаевич → nikolavix)


def _legal_form_table() -> tuple[tuple[str, ...], ...]:
    """Phonetic key sequences of the legal forms, longest first so that "GmbH Co KG" wins over "KG"."""
    forms = {tuple(search_keys(form)) for form in LEGAL_FORMS}
    return tuple(sorted((form for form in forms if form), key=len, reverse=True))


LEGAL_FORM_KEYS = _legal_form_table()
LEGAL_FORMS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
LEGAL_FORMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _form in LEGAL_FORM_KEYS:  # longest first, kept in that order
    LEGAL_FORMS_BY_FIRST.setdefault(_form[0], []).append(_form)
    LEGAL_FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)
GENERIC_KEYS = frozenset(key for word in GENERIC_WORDS for key in search_keys(word))


class Role(IntEnum):
    """What a word is in a name; decides its weight and how the explanation names it."""

    SURNAME = 1
    GIVEN = 2
    PATRONYMIC = 3
    WORD = 4  # distinctive word of an organisation name
    GENERIC = 5  # common word of an organisation name
    INITIAL = 6


ROLE_WEIGHT: dict[Role, float] = {
    Role.SURNAME: 1.0,
    Role.GIVEN: 0.85,
    Role.PATRONYMIC: 0.5,
    Role.WORD: 1.0,
    Role.GENERIC: 0.35,
    Role.INITIAL: 0.3,
}
# What a token costs when the other name lacks it: a missing patronymic or generic word hardly counts.
MISSING_WEIGHT: dict[Role, float] = {
    **ROLE_WEIGHT,
    Role.PATRONYMIC: 0.1,
    Role.GENERIC: 0.2,
    Role.INITIAL: 0.1,
}

ROLE_LABEL: dict[Role, str] = {
    Role.SURNAME: "surname",
    Role.GIVEN: "given name",
    Role.PATRONYMIC: "patronymic",
    Role.WORD: "word",
    Role.GENERIC: "generic word",
    Role.INITIAL: "initial",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a name: its spelling, transliteration-free key and canonical form (given-name group)."""

    text: str
    key: str
    canon: str
    role: Role

    @property
    def folded(self) -> str:
        """Readable folded spelling; computed on demand, only explanations need it."""
        return fold(self.text)


def _strip_legal_forms(keys: list[str]) -> tuple[int, int]:
    """Return the slice of ``keys`` left after removing legal forms at the start and at the end.

    Forms are looked up by their first and last word, so a name costs two dictionary probes, not a scan
    of every legal form (this runs once per company of a million-entity list)."""
    start, end = 0, len(keys)
    changed = True
    while changed and end - start > 1:
        changed = False
        for form in LEGAL_FORMS_BY_FIRST.get(keys[start], ()):
            if end - start > len(form) and tuple(keys[start : start + len(form)]) == form:
                start, changed = start + len(form), True
                break
        for form in LEGAL_FORMS_BY_LAST.get(keys[end - 1], ()):
            if end - start > len(form) and tuple(keys[end - len(form) : end]) == form:
                end, changed = end - len(form), True
                break
    return start, end


def patronymic_stem(key: str) -> str | None:
    """Return the given-name part of a patronymic key ("petrovix" → "petr"), or None if it is none."""
    for ending in PATRONYMIC_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)]
    return None


def patronymic_canon(key: str) -> str:
    """Canonical father's name of a patronymic key, so that Олексійович and Алексеевич agree: the stem,
    possibly with the letters the suffix swallowed (Алексе-евич → Алексей, Петр-ович → Петро)."""
    stem = patronymic_stem(key) or key
    trimmed = [stem[:-1]] if stem.endswith("i") else []  # Миколай-ович → Микола
    for candidate in [stem + ending for ending in ("", "i", "ei", "ai", "o", "a")] + trimmed:
        canon = GIVEN_NAMES.get(candidate)
        if canon is not None:
            return "~" + canon
    return "~" + stem


def _person_role(key: str, count: int) -> Role:
    if key in GIVEN_NAMES or key in NICKNAMES:
        return Role.GIVEN
    if count >= 3 and patronymic_stem(key) is not None:
        return Role.PATRONYMIC
    return Role.SURNAME


def _keyed_words(name: str, kind: Kind) -> list[tuple[str, str]]:
    """Words of a name with their phonetic keys; organisations lose legal forms and stopwords."""
    words = split_words(name)
    pairs = [(word, key) for word in words if (key := phonetic_key(word))]
    if kind != Kind.PERSON and pairs:
        start, end = _strip_legal_forms([key for _, key in pairs])
        pairs = pairs[start:end]
        kept = [(word, key) for word, key in pairs if key not in STOPWORDS]
        pairs = kept or pairs
    return pairs


def blocking_keys(name: str, kind: Kind) -> list[str]:
    """Canonical keys the index files a name under (given-name forms merged); cheap, for index builds."""
    return [GIVEN_NAMES.get(key, key) for _, key in _keyed_words(name, kind)]


def _role(key: str, kind: Kind, count: int) -> Role:
    if len(key) == 1 and kind != Kind.ORGANIZATION:
        return Role.INITIAL
    if kind == Kind.PERSON:
        return _person_role(key, count)
    if kind == Kind.LEGAL_ENTITY and key in GIVEN_NAMES:
        return Role.GIVEN
    return Role.GENERIC if key in GENERIC_KEYS else Role.WORD


@lru_cache(maxsize=1 << 17)
def tokenize(name: str, kind: Kind) -> tuple[Token, ...]:
    """Split a name into weighted tokens; cached because hits on popular names repeat across queries."""
    pairs = _keyed_words(name, kind)
    tokens = []
    for word, key in pairs:
        role = _role(key, kind, len(pairs))
        canon = patronymic_canon(key) if role == Role.PATRONYMIC else GIVEN_NAMES.get(key, key)
        tokens.append(Token(word, key, canon, role))
    return tuple(tokens)
