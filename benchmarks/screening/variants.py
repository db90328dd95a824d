"""Spelling perturbations shared by the person and company generators (typos, umlaut spellings)."""

from __future__ import annotations

import random

NEIGHBOURS = {
    "a": "sq", "e": "wr", "i": "uo", "o": "ip", "u": "yi", "n": "bm", "k": "jl", "r": "et", "s": "ad",
    "t": "ry", "l": "k", "v": "cb", "h": "gj", "m": "n", "d": "sf", "y": "tu", "c": "xv", "z": "x",
    "о": "л", "а": "в", "е": "к", "н": "г", "к": "у", "р": "п", "и": "м", "т": "ь", "в": "а", "с": "ч",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip inside the word (never the first letter): swap, drop, double or wrong key."""
    if len(word) < 5:
        return word
    first = next((i for i, ch in enumerate(word) if ch.isalpha()), 0)  # skip an opening quote
    if len(word) - first < 5:
        return word
    i = rng.randrange(first + 1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "key"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    replacement = rng.choice(NEIGHBOURS.get(word[i].lower(), "e"))
    return word[:i] + replacement + word[i + 1 :]


def typo_in_longest(text: str, rng: random.Random) -> str:
    """Put one typo in the longest word (usually the surname or the distinctive company word)."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = typo(words[longest], rng)
    return " ".join(words)


def german_spelling(text: str, rng: random.Random) -> str:
    """Umlauts and ß as a German keyboard without them writes them: ae/oe/ue/ss, or just dropped."""
    if rng.random() < 0.7:
        table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    else:
        table = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"}
    return "".join(table.get(ch, ch) for ch in text)
