"""Analyses of stored expressions, reused while what they read is unchanged.

A replay analyzes the same few expressions over and over: the defaults
``now()`` and ``gen_random_uuid()`` of every table, the policy ``(select
auth.uid()) = user_id`` on each, the same checks. An analysis (sql_render's
:class:`~pgdrift.sources.sql_render.Analyzer`, then its
:class:`~pgdrift.sources.sql_render.Printer`) is a deterministic function of
three things: the expression's text, the columns of the relation it belongs
to (its scope), and the answers the two catalogs give to what the analysis
asks them. So the memo keeps, with each result, every question each catalog
was asked and its answer (:class:`Recording`). A later analysis of the same
text, against columns of the same names and types, reuses the result when
each question, asked again of the catalogs as they are now, gets an equal
answer: the analysis would have asked the same questions in the same order
and computed the same thing. The check is exact, whatever changed in
between (a function replaced, a type renamed, an extension installed, a
different search path); it costs a few dictionary lookups where the
analysis costs a tree walk, resolution, coercion and printing.

The scope enters the key in one of three ways:

* not at all, when the analysis never looked at it (a default reads no
  column): the result holds for any relation;
* by its columns' names and types (:meth:`ExprMemo.signature`), when neither
  the expression nor the result names the relation: the same policy text on
  another table with an ``owner_id`` of the same type gives the same text,
  and its dependencies are moved onto that table;
* by its columns and the relation itself otherwise (a qualified reference
  ``t.col``, a sub-query that prints the outer column as ``t.col``).

The relation's name counts as named when it appears anywhere in either text
(a conservative test: ``id`` is in ``owner_id``).

Only clean analyses are kept: one that failed, printed something it could
not model (``Analyzer.notes``) or reported an issue is done again each time.
The typed tree printed is kept with the result and shared by those who reuse
it (never changed: a rename prints from a renamed copy).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator
from typing import Any, cast

from pgdrift.sources.sql_render import Catalog, Dep, T

#: The questions an analysis may ask a catalog.
QUESTIONS: tuple[str, ...] = tuple(
    name for name, value in vars(Catalog).items() if callable(value) and not name.startswith("_")
)

Log = list[tuple[str, tuple[Any, ...], Any]]
Key = tuple[str, str]
#: A scope as a key sees it: its relation's column signature
#: (:meth:`ExprMemo.signature`), kind and key.
Scoped = tuple[int, str, Key]


class Recording:
    """A catalog that notes each question asked of ``inner`` and its answer."""

    __slots__ = ("inner", "log")

    def __init__(self, inner: Catalog) -> None:
        self.inner = inner
        self.log: Log = []


def _asking(name: str) -> Callable[..., Any]:
    def ask(self: Recording, *args: Any) -> Any:
        answer = getattr(self.inner, name)(*args)
        self.log.append((name, args, answer))
        return answer

    ask.__name__ = ask.__qualname__ = name
    return ask


for _name in QUESTIONS:
    setattr(Recording, _name, _asking(_name))


def recording(inner: Catalog) -> tuple[Catalog, Log]:
    """A :class:`Recording` of ``inner``, and its log."""
    r = Recording(inner)
    return cast(Catalog, r), r.log


def answers_hold(log: Log, catalog: Catalog) -> bool:
    """Whether ``catalog`` answers every question of ``log`` as it was answered."""
    for name, args, answer in log:
        now = getattr(catalog, name)(*args)
        if now is not answer and now != answer:
            return False
    return True


class Entry:
    """One kept analysis: its result and what it asked."""

    __slots__ = ("deps", "owner", "questions", "text", "tree")

    def __init__(
        self,
        text: str | None,
        deps: frozenset[Dep],
        owner: Key | None,
        questions: tuple[Log, Log],
        tree: T | None = None,
    ) -> None:
        self.text = text
        self.deps = deps
        #: The typed tree printed (shared by those reusing it: never changed).
        self.tree = tree
        #: The relation the scope was (its dependencies name it), or None.
        self.owner = owner
        #: What the analyzer's and the printer's catalogs were asked.
        self.questions = questions


#: In a key: the analysis had a scope but never read it.
_UNREAD = "unread"
#: Entries kept per key (the same text under different search paths, say).
_PER_KEY = 4
#: Keys kept in all; past that the memo starts again (a bound on memory).
_MAX_KEYS = 50_000


class ExprMemo:
    """The kept analyses of one index (whose options they assume)."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, list[Entry]] = {}
        #: Column signatures: the same tuple of (name, type, modifiers) is
        #: the same small number, so that keys hash cheaply.
        self._signatures: dict[Hashable, int] = {}
        self._numbers = itertools.count()
        #: The bases kept under a scope's signature.
        self._scoped: set[Hashable] = set()
        #: Analyses reused (MigrationIndex.last_reused counts them per update).
        self.hits = 0

    def signature(self, columns: Hashable) -> int:
        """A number for ``columns`` (names, types and modifiers): equal
        values get the same number, different ones never do."""
        got = self._signatures.get(columns)
        if got is None:
            if len(self._signatures) >= _MAX_KEYS:
                self._signatures.clear()  # numbers are never given twice
            got = self._signatures[columns] = next(self._numbers)
        return got

    def find(
        self,
        base: Hashable,
        text: str,
        scope: Callable[[], Scoped] | None,
        catalogs: Callable[[], tuple[Catalog, Catalog]],
    ) -> Entry | None:
        """A kept analysis of ``text`` (with ``base``: what it is coerced to,
        and so on) in ``scope`` (None for none; else it gives the signature,
        kind and key of the relation) that still holds, if any."""
        got: tuple[Catalog, Catalog] | None = None
        for key in self._keys(base, text, scope):
            for entry in self._entries.get(key, ()):
                if got is None:
                    got = catalogs()
                resolve, display = got
                if answers_hold(entry.questions[0], resolve) and answers_hold(
                    entry.questions[1], display
                ):
                    self.hits += 1
                    return entry
        return None

    def _keys(
        self, base: Hashable, text: str, scope: Callable[[], Scoped] | None
    ) -> Iterator[Hashable]:
        """Where :meth:`keep` may have put an analysis, most general first
        (the scope is described only when something was kept under it)."""
        if scope is None:
            yield (base,)
            return
        yield (base, _UNREAD)
        if base in self._scoped:
            sig, kind, owner = scope()
            if owner[1].lower() not in text.lower():
                yield (base, sig, kind, None)
            yield (base, sig, kind, owner)

    def keep(
        self,
        base: Hashable,
        text: str,
        scope: Callable[[], Scoped] | None,
        looked: bool,
        entry: Entry,
    ) -> None:
        """Keep ``entry``, the analysis of ``text`` in ``scope``; ``looked``:
        whether the analysis read the scope's columns."""
        if scope is None:
            key: Hashable = (base,)
        elif not looked:
            key = (base, _UNREAD)
        else:
            sig, kind, owner = scope()
            named = owner[1].lower()
            if named in text.lower() or (entry.text is not None and named in entry.text.lower()):
                key = (base, sig, kind, owner)
            else:
                key = (base, sig, kind, None)
            self._scoped.add(base)
        if len(self._entries) >= _MAX_KEYS:
            self._entries.clear()
            self._scoped.clear()
        kept = self._entries.setdefault(key, [])
        if len(kept) >= _PER_KEY:
            del kept[0]
        kept.append(entry)


def move_dep(d: Dep, old: Key, new: Key) -> Dep:
    """``d`` with the relation ``old`` (or its column) replaced by ``new``."""
    if d[0] in ("c", "r") and d[1:3] == old:
        return (d[0], *new, *d[3:])
    return d


def move_deps(deps: frozenset[Dep], old: Key, new: Key) -> frozenset[Dep]:
    """:func:`move_dep` for each of ``deps``."""
    if old == new:
        return deps
    return frozenset(move_dep(d, old, new) for d in deps)
