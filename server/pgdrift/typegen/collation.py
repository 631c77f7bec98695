"""JavaScript ``String.prototype.localeCompare`` order, as Node sorts.

Node's ICU resolves the C/POSIX/en locales to CLDR root collation at
tertiary strength with punctuation non-ignorable. The Unicode Collation
Algorithm's default table (DUCET, via pyuca) orders every identifier we
sort the same way, so ``sorted(xs, key=locale_key)`` equals
``xs.sort((a, b) => a.localeCompare(b))``; Python's sort is stable like
JavaScript's, so equal keys keep their input order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Protocol

__all__ = ["locale_compare", "locale_key"]


class _Collator(Protocol):
    def sort_key(self, string: str) -> tuple[int, ...]: ...


_collator: _Collator | None = None


def _get_collator() -> _Collator:
    # Loading the collation table takes ~0.15 s: only non-ASCII text needs it.
    global _collator
    if _collator is None:
        import pyuca  # type: ignore[import-untyped]

        _collator = pyuca.Collator()
    return _collator


# DUCET primary weights of ASCII (pyuca's table): TAB..CR, then SPACE..'~'.
# Every such character is one collation element with secondary weight 32
# and tertiary 8 for capitals, 2 otherwise; other controls are ignorable.
# ASCII needs no normalization and has no contractions, so keys built from
# this table equal pyuca's.
_CONTROL_PRIMARIES = (0x201, 0x202, 0x203, 0x204, 0x205)
_PRINTABLE_PRIMARIES = """
209 260 30c 398 1c12 399 396 305 317 318 38f 616 222 20d 277 394 1c3d 1c3e 1c3f 1c40 1c41 1c42
1c43 1c44 1c45 1c46 239 234 61a 61b 61c 266 38e 1c47 1c60 1c7a 1c8f 1caa 1ce5 1cf4 1d18 1d32
1d4c 1d65 1d77 1daa 1db9 1ddd 1e0c 1e21 1e33 1e71 1e95 1eb5 1ee3 1ef5 1eff 1f0b 1f21 319 395
31a 485 20b 482 1c47 1c60 1c7a 1c8f 1caa 1ce5 1cf4 1d18 1d32 1d4c 1d65 1d77 1daa 1db9 1ddd 1e0c
1e21 1e33 1e71 1e95 1eb5 1ee3 1ef5 1eff 1f0b 1f21 31b 61e 31c 620
"""


def _ascii_weights() -> dict[str, tuple[int, int, int]]:
    table: dict[str, tuple[int, int, int]] = {}
    for i, primary in enumerate(_CONTROL_PRIMARIES):
        table[chr(9 + i)] = (primary, 32, 2)
    for i, hex_primary in enumerate(_PRINTABLE_PRIMARIES.split()):
        ch = chr(32 + i)
        table[ch] = (int(hex_primary, 16), 32, 8 if "A" <= ch <= "Z" else 2)
    return table


_ASCII: Final = _ascii_weights()


def _ascii_key(s: str) -> tuple[int, ...]:
    weights = [w for ch in s if (w := _ASCII.get(ch)) is not None]
    return (
        *(w[0] for w in weights),
        0,
        *(w[1] for w in weights),
        0,
        *(w[2] for w in weights),
        0,
    )


@lru_cache(maxsize=1 << 16)
def locale_key(s: str) -> tuple[int, ...]:
    """A sort key ordering strings as JavaScript's ``a.localeCompare(b)``."""
    if s.isascii():
        return _ascii_key(s)
    return _get_collator().sort_key(s)


def locale_compare(a: str, b: str) -> int:
    """-1, 0 or 1, like ``Math.sign(a.localeCompare(b))``."""
    ka = locale_key(a)
    kb = locale_key(b)
    return (ka > kb) - (ka < kb)
