"""A Wadler-style document printer with prettier 3.5's layout semantics.

Documents are built from plain strings, lists (concatenation) and the node
classes below; :func:`print_doc` lays them out like prettier's
``printDocToString``: a :class:`Group` prints flat when its flat text plus the
rest of the current line fits in the width, otherwise its lines break.
Widths follow prettier's ``getStringWidth`` (East-Asian wide and emoji count
2, combining marks and control characters 0).

Breaks propagate when a group is built (a group containing a
:data:`BREAK_PARENT` or a broken group is broken), so no separate pass over
the tree is needed, and every traversal is iterative: deep or huge documents
neither recurse nor re-walk subtrees they already measured.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, TypeAlias

__all__ = [
    "BREAK_PARENT",
    "HARDLINE",
    "LINE",
    "SOFTLINE",
    "Align",
    "Doc",
    "Group",
    "IfBreak",
    "Indent",
    "IndentIfBreak",
    "Line",
    "get_string_width",
    "join",
    "print_doc",
]


class Indent:
    """Contents indented by one level (two spaces) after a line break."""

    __slots__ = ("contents",)

    def __init__(self, contents: Doc) -> None:
        self.contents = contents


class Align:
    """Contents indented by ``n`` extra spaces after a line break."""

    __slots__ = ("contents", "n")

    def __init__(self, n: int, contents: Doc) -> None:
        self.n = n
        self.contents = contents


class Line:
    """A line break, or a space (``soft``: nothing) when its group is flat."""

    __slots__ = ("hard", "soft")

    def __init__(self, *, soft: bool = False, hard: bool = False) -> None:
        self.soft = soft
        self.hard = hard


class BreakParentType:
    """Forces every enclosing group to break."""

    __slots__ = ()


class IfBreak:
    """``break_contents`` if the group (``group_id``, else the enclosing one)
    is broken, else ``flat_contents``."""

    __slots__ = ("break_contents", "flat_contents", "group_id")

    def __init__(
        self,
        break_contents: Doc | None,
        flat_contents: Doc | None = None,
        group_id: object | None = None,
    ) -> None:
        self.break_contents = break_contents
        self.flat_contents = flat_contents
        self.group_id = group_id


class IndentIfBreak:
    """Contents indented when the group ``group_id`` is broken."""

    __slots__ = ("contents", "group_id", "negate")

    def __init__(self, contents: Doc, group_id: object, *, negate: bool = False) -> None:
        self.contents = contents
        self.group_id = group_id
        self.negate = negate


class Group:
    """A unit that prints flat if it fits, otherwise with its lines broken.

    ``brk`` is true when the group must break: asked for, or containing a
    :data:`BREAK_PARENT` or a broken group (prettier's ``propagateBreaks``).
    """

    __slots__ = ("_flat", "_flat_width", "brk", "contents", "dynamic", "id")

    def __init__(self, contents: Doc, *, should_break: bool = False, id: object = None) -> None:
        self.contents = contents
        self.id = id
        if should_break:
            # Never printed flat, and its parents break too: nothing to scan.
            self.brk = True
            self.dynamic = False
        else:
            # A group whose flat text depends on another group's mode (IfBreak
            # with a group id) or that names itself cannot cache its flat text.
            self.brk, self.dynamic = _scan(contents)
        self._flat: str | None = None
        self._flat_width = 0

    def flat(self) -> tuple[str, int]:
        """The group's text and width when printed flat (cached). Called only
        for groups that fit on a line, so the walk is short."""
        if self._flat is None:
            flat = _flat_text(self.contents, sys.maxsize)
            assert flat is not None  # nothing is wider than sys.maxsize
            self._flat, self._flat_width = flat
        return self._flat, self._flat_width

    def flat_within(self, width: int) -> tuple[str, int] | None:
        """:meth:`flat` if the flat text fits in ``width`` columns, else None.
        Measuring stops once past ``width``: a huge group costs at most a line."""
        if self._flat is not None:
            return (self._flat, self._flat_width) if self._flat_width <= width else None
        flat = _flat_text(self.contents, width)
        if flat is not None:
            self._flat, self._flat_width = flat
        return flat


Doc: TypeAlias = (
    "str | list[Doc] | Group | Indent | Align | Line | IfBreak | IndentIfBreak | BreakParentType"
)

LINE: Final = Line()
SOFTLINE: Final = Line(soft=True)
_HARD: Final = Line(hard=True)
BREAK_PARENT: Final = BreakParentType()
#: A line that always breaks, and breaks every enclosing group.
HARDLINE: Final[list[Doc]] = [_HARD, BREAK_PARENT]


def join(sep: Doc, docs: Sequence[Doc]) -> list[Doc]:
    """``docs`` with ``sep`` between each pair."""
    out: list[Doc] = []
    for i, d in enumerate(docs):
        if i:
            out.append(sep)
        out.append(d)
    return out


def _scan(contents: Doc) -> tuple[bool, bool]:
    """(contains a break, depends on group modes) for a group's contents,
    reading nested groups' own flags instead of walking into them."""
    brk = False
    dynamic = False
    stack: list[Doc] = [contents]
    while stack:
        d = stack.pop()
        t = type(d)
        if t is str:
            continue
        if t is Line:
            # A hard line without BREAK_PARENT breaks even in a flat group:
            # the group's flat text is not one line, so it is not cached.
            dynamic = dynamic or d.hard  # type: ignore[union-attr]
        elif t is list:
            stack.extend(d)  # type: ignore[arg-type]
        elif t is Group:
            g: Group = d  # type: ignore[assignment]
            brk = brk or g.brk
            dynamic = dynamic or g.dynamic or g.id is not None
        elif t is BreakParentType:
            brk = True
        elif t is Indent or t is Align:
            stack.append(d.contents)  # type: ignore[union-attr]
        elif t is IfBreak:
            ib: IfBreak = d  # type: ignore[assignment]
            dynamic = dynamic or ib.group_id is not None
            if ib.break_contents is not None:
                stack.append(ib.break_contents)
            if ib.flat_contents is not None:
                stack.append(ib.flat_contents)
        elif t is IndentIfBreak:
            dynamic = True
            stack.append(d.contents)  # type: ignore[union-attr]
    return brk, dynamic


def _flat_text(contents: Doc, width: int) -> tuple[str, int] | None:
    """The text and width of a non-broken, non-dynamic group's contents printed
    flat, or None as soon as the width exceeds ``width``. The width is the sum
    of the strings' widths, as prettier measures (not the joined text's)."""
    parts: list[str] = []
    used = 0
    stack: list[Doc] = [contents]
    while stack:
        d = stack.pop()
        t = type(d)
        if t is str:
            if d:
                parts.append(d)  # type: ignore[arg-type]
                used += (
                    len(d)  # type: ignore[arg-type]
                    if d.isascii() and d.isprintable()  # type: ignore[union-attr]
                    else get_string_width(d)  # type: ignore[arg-type]
                )
                if used > width:
                    return None
        elif t is list:
            stack.extend(reversed(d))  # type: ignore[arg-type]
        elif t is Group:
            # Reuse a nested group's text when known; otherwise walk into it
            # (no recursion, however deep the nesting).
            g: Group = d  # type: ignore[assignment]
            if g._flat is not None:
                parts.append(g._flat)
                used += g._flat_width
                if used > width:
                    return None
            else:
                stack.append(g.contents)
        elif t is Line:
            if not d.soft:  # type: ignore[union-attr]
                parts.append(" ")
                used += 1
                if used > width:
                    return None
        elif t is Indent or t is Align or t is IndentIfBreak:
            stack.append(d.contents)  # type: ignore[union-attr]
        elif t is IfBreak:
            fc = d.flat_contents  # type: ignore[union-attr]
            if fc is not None:
                stack.append(fc)
    return "".join(parts), used


# ---------------------------------------------------------------- widths

# Code points that prettier 3.5.3's getStringWidth counts as 2 columns on
# their own, measured code point by code point: East-Asian Wide/Fullwidth
# (its Unicode data) plus the single code points its emoji regex matches.
# Hex ranges, inclusive.
_WIDE_RANGES = """
a9 ae 1100-115f 203c 2049 2122 2139 2194-2199 21a9-21aa 231a-231b 2328-232a 23cf 23e9-23f3
23f8-23fa 24c2 25aa-25ab 25b6 25c0 25fb-25fe 2600-2604 260e 2611 2614-2615 2618 261d 2620
2622-2623 2626 262a 262e-263a 2640 2642 2648-2653 265f-2660 2663 2665-2666 2668 267b 267e-267f
268a-268f 2692-2697 2699 269b-269c 26a0-26a1 26a7 26aa-26ab 26b0-26b1 26bd-26be 26c4-26c5 26c8
26ce-26cf 26d1 26d3-26d4 26e9-26ea 26f0-26f5 26f7-26fa 26fd 2702 2705 2708-270d 270f 2712 2714
2716 271d 2721 2728 2733-2734 2744 2747 274c 274e 2753-2755 2757 2763-2764 2795-2797 27a1 27b0
27bf 2934-2935 2b05-2b07 2b1b-2b1c 2b50 2b55 2e80-2e99 2e9b-2ef3 2f00-2fd5 2ff0-303e 3041-3096
3099-30ff 3105-312f 3131-318e 3190-31e5 31ef-321e 3220-3247 3250-a48c a490-a4c6 a960-a97c
ac00-d7a3 f900-faff fe10-fe19 fe30-fe52 fe54-fe66 fe68-fe6b ff01-ff60 ffe0-ffe6 16fe0-16fe4
16ff0-16ff1 17000-187f7 18800-18cd5 18cff-18d08 1aff0-1aff3 1aff5-1affb 1affd-1affe 1b000-1b122
1b132 1b150-1b152 1b155 1b164-1b167 1b170-1b2fb 1d300-1d356 1d360-1d376 1f004 1f0cf 1f170-1f171
1f17e-1f17f 1f18e 1f191-1f19a 1f200-1f202 1f210-1f23b 1f240-1f248 1f250-1f251 1f260-1f265
1f300-1f321 1f324-1f393 1f396-1f397 1f399-1f39b 1f39e-1f3f0 1f3f3-1f3f5 1f3f7-1f4fd 1f4ff-1f53d
1f549-1f54e 1f550-1f567 1f56f-1f570 1f573-1f57a 1f587 1f58a-1f58d 1f590 1f595-1f596 1f5a4-1f5a5
1f5a8 1f5b1-1f5b2 1f5bc 1f5c2-1f5c4 1f5d1-1f5d3 1f5dc-1f5de 1f5e1 1f5e3 1f5e8 1f5ef 1f5f3
1f5fa-1f64f 1f680-1f6c5 1f6cb-1f6d2 1f6d5-1f6d7 1f6dc-1f6e5 1f6e9 1f6eb-1f6ec 1f6f0 1f6f3-1f6fc
1f7e0-1f7eb 1f7f0 1f90c-1f93a 1f93c-1f945 1f947-1f9ff 1fa70-1fa7c 1fa80-1fa89 1fa8f-1fac6
1face-1fadc 1fadf-1fae9 1faf0-1faf8 20000-2fffd 30000-3fffd
"""

# Emoji that prettier's emoji regex also matches when followed by U+FE0F
# although the RGI list has no such sequence.
_FE0F_BASES = """
231a 231b 25fe 2614 2615 2648 2649 264a 264b 264c 264d 264e 264f 2650 2651 2652 2653 267f 26aa
26bd 26be 26c4 26f2 26f3 26f5 26fa 2757 2b1b 2b1c 2b55 1f004 1f6d8 1f6d9 1fa8a 1fa8b 1fa8c
1fa8d 1fa8e 1fac8 1facc 1facd 1fadd 1faea 1faeb 1faef 1faf9 1fafa
"""

# prettier's emoji regex (emoji-regex 10.4) knows Emoji 16.0.
_MAX_EMOJI_VERSION: Final = 16


def _parse_ranges(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for item in text.split():
        lo, _, hi = item.partition("-")
        starts.append(int(lo, 16))
        ends.append(int(hi or lo, 16))
    return starts, ends


_WIDE_STARTS, _WIDE_ENDS = _parse_ranges(_WIDE_RANGES)


def _code_point_width(cp: int) -> int:
    if cp <= 31 or 127 <= cp <= 159 or 768 <= cp <= 879:
        return 0
    i = bisect.bisect_right(_WIDE_STARTS, cp) - 1
    return 2 if i >= 0 and cp <= _WIDE_ENDS[i] else 1


_emoji_sequences: dict[str, list[str]] | None = None


def _sequences() -> dict[str, list[str]]:
    """Multi-code-point emoji by first character, longest first (lazy: only
    strings with non-ASCII text need it)."""
    global _emoji_sequences
    if _emoji_sequences is None:
        import emoji

        seqs = {
            k
            for k, v in emoji.EMOJI_DATA.items()
            if len(k) > 1 and float(v.get("E", 0)) <= _MAX_EMOJI_VERSION
        }
        seqs.update(chr(int(cp, 16)) + "\ufe0f" for cp in _FE0F_BASES.split())
        # Wrestlers take a skin tone in the regex although RGI lists none.
        seqs.update("\U0001f93c" + chr(m) for m in range(0x1F3FB, 0x1F400))
        by_first: dict[str, list[str]] = {}
        for s in seqs:
            by_first.setdefault(s[0], []).append(s)
        for v in by_first.values():
            v.sort(key=len, reverse=True)
        _emoji_sequences = by_first
    return _emoji_sequences


@lru_cache(maxsize=65536)
def _slow_width(text: str) -> int:
    seqs = _sequences()
    width = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        cands = seqs.get(ch)
        if cands is not None:
            for seq in cands:
                if text.startswith(seq, i):
                    width += 2
                    i += len(seq)
                    break
            else:
                width += _code_point_width(ord(ch))
                i += 1
        else:
            width += _code_point_width(ord(ch))
            i += 1
    return width


def get_string_width(text: str) -> int:
    """prettier's ``getStringWidth``: columns ``text`` takes in a terminal."""
    if text.isascii():
        if text.isprintable():
            return len(text)
        # prettier's fast path covers 0x20-0x7F, so DEL alone counts 1.
        if all(ord(c) >= 0x20 for c in text):
            return len(text)
    return _slow_width(text)


# ---------------------------------------------------------------- printer

_BREAK: Final = 1
_FLAT: Final = 0


def _trim(out: list[str]) -> int:
    """Drop trailing spaces and tabs from the output; return how many."""
    if not out or out[-1][-1:] not in (" ", "\t", ""):
        return 0
    trimmed = 0
    while out:
        last = out[-1]
        stripped = last.rstrip(" \t")
        trimmed += len(last) - len(stripped)
        if stripped:
            out[-1] = stripped
            break
        out.pop()
    return trimmed


_Cmd: TypeAlias = tuple[int, int, Doc]


def _fits(
    mode: int,
    doc: Doc,
    rest: list[_Cmd],
    width: int,
    group_modes: dict[object, int],
) -> bool:
    """prettier's ``fits``: does ``doc`` (in ``mode``) and what follows it up to
    the next possible line break fit in ``width`` columns?"""
    rest_idx = len(rest)
    stack: list[tuple[int, Doc]] = [(mode, doc)]
    while width >= 0:
        if not stack:
            if rest_idx == 0:
                return True
            rest_idx -= 1
            _, m, d = rest[rest_idx]
            stack.append((m, d))
            continue
        m, d = stack.pop()
        t = type(d)
        if t is str:
            width -= get_string_width(d)  # type: ignore[arg-type]
        elif t is list:
            for x in reversed(d):  # type: ignore[arg-type]
                stack.append((m, x))
        elif t is Group:
            g: Group = d  # type: ignore[assignment]
            gm = _BREAK if g.brk else m
            if gm == _FLAT and g._flat is not None and not g.dynamic:
                # Known flat text (shared documents, or measured before).
                width -= g._flat_width
            else:
                # Walk it as prettier does, stopping as soon as the width is
                # exceeded: measuring a huge group costs at most one line.
                stack.append((gm, g.contents))
        elif t is Line:
            if m == _BREAK or d.hard:  # type: ignore[union-attr]
                return True
            if not d.soft:  # type: ignore[union-attr]
                width -= 1
        elif t is Indent or t is Align or t is IndentIfBreak:
            stack.append((m, d.contents))  # type: ignore[union-attr]
        elif t is IfBreak:
            ib: IfBreak = d  # type: ignore[assignment]
            gm = group_modes.get(ib.group_id, _FLAT) if ib.group_id is not None else m
            c = ib.break_contents if gm == _BREAK else ib.flat_contents
            if c is not None:
                stack.append((m, c))
    return False


def _rest_fits(rest: list[_Cmd], width: int, group_modes: dict[object, int]) -> bool:
    """``_fits`` of nothing followed by ``rest``: does what follows a group
    printed flat fit in the ``width`` columns left?"""
    if not rest:
        return True
    _, mode, d = rest[-1]
    if type(d) is Line and (mode == _BREAK or d.hard):
        return True  # the usual case: a line break comes next
    return _fits(_FLAT, "", rest, width, group_modes)


def print_doc(doc: Doc, width: int = 80) -> str:
    """Lay ``doc`` out in ``width`` columns, as prettier's printer does."""
    group_modes: dict[object, int] = {}
    out: list[str] = []
    newlines: dict[int, str] = {}
    pos = 0
    cmds: list[_Cmd] = [(0, _BREAK, doc)]
    remeasure = False
    while cmds:
        ind, mode, d = cmds.pop()
        t = type(d)
        if t is str:
            if d:
                out.append(d)  # type: ignore[arg-type]
                pos += (
                    len(d)  # type: ignore[arg-type]
                    if d.isascii() and d.isprintable()  # type: ignore[union-attr]
                    else get_string_width(d)  # type: ignore[arg-type]
                )
        elif t is list:
            for x in reversed(d):  # type: ignore[arg-type]
                cmds.append((ind, mode, x))
        elif t is Line:
            ln: Line = d  # type: ignore[assignment]
            if mode == _FLAT and not ln.hard:
                if not ln.soft:
                    out.append(" ")
                    pos += 1
                continue
            if mode == _FLAT:
                remeasure = True
            if out and out[-1][-1] in " \t":
                _trim(out)
            newline = newlines.get(ind)
            if newline is None:
                newline = newlines[ind] = "\n" + " " * ind
            out.append(newline)
            pos = ind
        elif t is Group:
            g: Group = d  # type: ignore[assignment]
            printed = _FLAT
            if mode == _FLAT and not remeasure:
                if g.brk:
                    cmds.append((ind, _BREAK, g.contents))
                    printed = _BREAK
                elif g.dynamic:
                    cmds.append((ind, _FLAT, g.contents))
                else:
                    text, w = g.flat()
                    if text:
                        out.append(text)
                    pos += w
            else:
                remeasure = False
                if g.brk:
                    cmds.append((ind, _BREAK, g.contents))
                    printed = _BREAK
                elif g.dynamic:
                    if _fits(_FLAT, g, cmds, width - pos, group_modes):
                        cmds.append((ind, _FLAT, g.contents))
                    else:
                        cmds.append((ind, _BREAK, g.contents))
                        printed = _BREAK
                else:
                    # The group's flat text is all _fits would measure of it.
                    flat = g.flat_within(width - pos)
                    if flat is not None and _rest_fits(cmds, width - pos - flat[1], group_modes):
                        if flat[0]:
                            out.append(flat[0])
                        pos += flat[1]
                    else:
                        cmds.append((ind, _BREAK, g.contents))
                        printed = _BREAK
            if g.id is not None:
                group_modes[g.id] = printed
        elif t is Indent:
            cmds.append((ind + 2, mode, d.contents))  # type: ignore[union-attr]
        elif t is Align:
            cmds.append((ind + d.n, mode, d.contents))  # type: ignore[union-attr]
        elif t is IfBreak:
            ib: IfBreak = d  # type: ignore[assignment]
            gm = group_modes.get(ib.group_id, _FLAT) if ib.group_id is not None else mode
            c = ib.break_contents if gm == _BREAK else ib.flat_contents
            if c is not None:
                cmds.append((ind, mode, c))
        elif t is IndentIfBreak:
            iib: IndentIfBreak = d  # type: ignore[assignment]
            gm = group_modes.get(iib.group_id, _FLAT)
            indented = (gm == _BREAK) != iib.negate
            cmds.append((ind + 2 if indented else ind, mode, iib.contents))
    return "".join(out)
