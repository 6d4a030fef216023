"""The numbers a quantity phrase carries.

A claim's qty_low/qty_best/qty_high must be recoverable from the words printed in the source
(`qty_text`), so a typo in a hand-edited number is caught: "up to 4.8 million" carries
4800000, "five million" 5000000, "a third" 33.3 (percent), "550 miles (900 kilometers)" both
550 and 900. Phrases are few and repeat, so the parser runs once per distinct phrase and the
result is joined back to the rows.
"""

from __future__ import annotations

import re

WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "hundred": 1e2, "dozen": 12}
# Fractions and multiples that stand for a number on their own; fractions are in percent,
# rounded to one decimal as a person would type them.
FRACTIONS = {
    "half": 50.0,
    "a third": 33.3,
    "one third": 33.3,
    "two thirds": 66.7,
    "a quarter": 25.0,
    "three quarters": 75.0,
    "twice": 2.0,
    "double": 2.0,
    "doubling": 2.0,
    "tripled": 3.0,
    "tripling": 3.0,
    "triple": 3.0,
    "quadrupled": 4.0,
}

_NUM = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_SCALE = "|".join(SCALES)
# "five million", "a dozen"; a bare number word from two up ("a", "one" alone say too little)
_WORD_NUM = re.compile(rf"\b({'|'.join(WORDS)})\s+({_SCALE})\b", re.IGNORECASE)
_BARE_WORD = re.compile(rf"\b({'|'.join(w for w, n in WORDS.items() if n > 1)})\b(?!\s+(?:{_SCALE})\b)", re.IGNORECASE)


def numbers_in(text: str | None) -> tuple[float, ...]:
    """Every number the phrase states, with its scale word applied."""
    if not text:
        return ()
    low = text.lower()
    found: list[float] = []
    for digits, scale in _NUM.findall(low):
        value = float(digits.replace(",", ""))
        found.append(value * SCALES[scale] if scale else value)
    for word, scale in _WORD_NUM.findall(low):
        found.append(WORDS[word] * SCALES[scale])
    found.extend(WORDS[w] for w in _BARE_WORD.findall(low))
    for phrase, value in FRACTIONS.items():
        if re.search(rf"\b{phrase}\b", low):
            found.append(value)
    return tuple(found)


# A stored quantity agrees with a phrase's number within 0.1 %, so 33.3 percent matches "a
# third" and float noise is ignored.
TOLERANCE = 1e-3
