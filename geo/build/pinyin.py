"""English names for Chinese county names: pinyin with the usual suffixes.

Used at build time for the context layer of all counties; the hand-edited tables
give English names of the zone's own units directly.
"""

from __future__ import annotations

import re

_SUFFIXES = (
    ("自治州", "Autonomous Prefecture"),
    ("特区", "Special District"),
    ("自治县", "Autonomous County"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
)
_ETHNIC = {
    "土家族": "Tujia",
    "苗族": "Miao",
    "仡佬族": "Gelao",
    "布依族": "Bouyei",
    "侗族": "Dong",
    "水族": "Shui",
    "彝族": "Yi",
    "回族": "Hui",
}
# Place-name readings that a general-purpose pinyin dictionary gets wrong.
_READINGS = {"都": "du", "长": "chang", "重": "chong", "丰": "feng"}


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin  # build-time dependency

    syllables = [_READINGS.get(ch) or lazy_pinyin(ch)[0] for ch in text]
    out = syllables[0]
    for syl in syllables[1:]:
        out += ("'" if syl[0] in "aoe" else "") + syl
    return out.capitalize()


def english_name(name_zh: str) -> str:
    """English name of a county-level unit, e.g. ``綦江区`` → ``Qijiang District``."""
    suffix_en = ""
    base = name_zh
    for suffix, english in _SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix) + 1:
            base, suffix_en = name_zh[: -len(suffix)], english
            break
    ethnic = []
    if suffix_en.startswith("Autonomous"):
        pattern = "(" + "|".join(_ETHNIC) + ")+$"
        match = re.search(pattern, base)
        if match:
            groups = re.findall("|".join(_ETHNIC), match.group(0))
            ethnic = [_ETHNIC[g] for g in groups]
            base = base[: match.start()]
    words = [_pinyin(base)]
    if ethnic:
        words.append(ethnic[0] if len(ethnic) == 1 else ", ".join(ethnic[:-1]) + " and " + ethnic[-1])
    if suffix_en:
        words.append(suffix_en)
    return " ".join(words)
