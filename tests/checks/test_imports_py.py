"""Parsing Python imports (parso) and resolving them through re-exports (jedi)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.checks.imports_py import PyResolver, mentions_any, parse_imports
from pgdrift.model import Span


def span_of(text: str, needle: str, path: str = "m.py") -> Span:
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return Span(path, line, col, line, col + len(needle))


def test_import_statements_with_exact_ranges() -> None:
    text = (
        "from app.db import Remote, thing as t\n"
        "from ..db import (Remote as R2,\n"
        "   x)\n"
        "import pkg.remote, os.path as p\n"
        "from . import y\n"
        "from .z import *\n"
        "é = 1; import café.bar\n"
        "def f():\n"
        "    from q import r\n"
    )
    imports = parse_imports("m.py", text)
    assert [i.module for i in imports] == [
        "app.db",
        "..db",
        "pkg.remote",
        "os.path",
        ".",
        ".z",
        "café.bar",
        "q",
    ]
    first, second, plain, aliased, dots, star, accented, nested = imports
    assert first.span == span_of(text, "app.db")
    assert [(n.name, n.alias, n.span) for n in first.names] == [
        ("Remote", None, span_of(text, "Remote")),
        ("thing", "t", span_of(text, "thing")),
    ]
    assert (second.level, second.span) == (2, span_of(text, "..db"))
    x = span_of(text, "x)")  # a name on a continuation line
    assert second.names[1].span == Span(
        "m.py", x.start_line, x.start_col, x.end_line, x.end_col - 1
    )
    assert (plain.alias, aliased.alias) == (None, "p")
    d = span_of(text, ". import y")
    assert dots.span == Span("m.py", d.start_line, d.start_col, d.end_line, d.start_col + 1)
    assert star.star and star.names == ()
    assert accented.span == span_of(text, "café.bar")
    assert nested.span == span_of(text, "q")


def test_syntax_errors_do_not_hide_imports() -> None:
    imports = parse_imports("m.py", "import a\ndef (:\nfrom b import c\n")
    assert [i.module for i in imports] == ["a", "b"]


def test_mentions_any_is_a_cheap_prefilter() -> None:
    [absolute, relative, other] = parse_imports(
        "m.py", "from app.types import database_remote\nfrom . import x\nimport os\n"
    )
    assert mentions_any(absolute, {"database_remote"})
    assert mentions_any(relative, {"database_remote"})  # relative imports are always resolved
    assert not mentions_any(other, {"database_remote"})


@pytest.fixture
def package(tmp_path: Path) -> Path:
    files = {
        "gen/__init__.py": "",
        "gen/remote.py": "class Profiles:\n    pass\n",
        "app/__init__.py": "",
        "app/db/__init__.py": "from gen.remote import Profiles as P\nfrom .inner import P as Q\n",
        "app/db/inner.py": "from gen.remote import Profiles as P\n",
        "app/svc.py": "from app.db import P, Q\nimport gen.remote\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path.resolve()


def test_names_are_followed_through_reexports(package: Path) -> None:
    resolver = PyResolver(package)
    svc = package / "app" / "svc.py"
    text = svc.read_text()
    first, module = parse_imports(str(svc), text)
    p, q = first.names
    resolved = resolver.resolve(svc, text, first, p)
    assert resolved is not None
    assert resolved.chain == (package / "app/db/__init__.py", package / "gen/remote.py")
    resolved = resolver.resolve(svc, text, first, q)
    assert resolved is not None
    assert resolved.chain == (
        package / "app/db/__init__.py",
        package / "app/db/inner.py",
        package / "gen/remote.py",
    )
    resolved = resolver.resolve(svc, text, module, None)
    assert resolved is not None
    assert resolved.chain == (package / "gen/remote.py",)


def test_resolution_is_cached_per_file_text(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = PyResolver(package)
    svc = package / "app" / "svc.py"
    text = svc.read_text()
    imp = parse_imports(str(svc), text)[1]
    calls = []
    original = resolver._follow

    def counting(*args: object) -> object:
        calls.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(resolver, "_follow", counting)
    first = resolver.resolve(svc, text, imp, None)
    assert resolver.resolve(svc, text, imp, None) == first
    assert len(calls) == 1
    resolver.resolve(svc, text + "\n", imp, None)  # changed text: resolved again
    assert len(calls) == 2


def test_unresolvable_imports_resolve_to_none(package: Path) -> None:
    resolver = PyResolver(package)
    svc = package / "app" / "svc.py"
    text = "from nowhere import thing\n"
    [imp] = parse_imports(str(svc), text)
    assert resolver.resolve(svc, text, imp, imp.names[0]) is None


@pytest.mark.parametrize(
    "text",
    [
        "from app.db import Remote, thing as t\nimport pkg.remote, os.path as p\n",
        "from ..db import (Remote as R2,\n   x)\nfrom . import y\nfrom .z import *\n",
        "é = 1; import café.bar\ndef f():\n    from q import r\n",
        "from .  db import x\nfrom . db . inner import y\nfrom a . b import c\n",
        "from\ta import b\nfrom a\t.b import c\nimport a . b\n",  # tabs, spaces in names
        "from a \\\n  import b\nfrom .import x\nfrom...x import y\n",  # continuations
        "if x:\n    from a import (\n        b,  # comment\n        c as d,\n    )\n",
        "try:\n    import a\nexcept ImportError:\n    a = None\n",
        "import ﬁle\nfrom ﬁ import x\n",  # names the parser normalizes (NFKC)
        "x = '''\nimport not_an_import\n'''\nimport real\n",
        "from a import b\r\nimport c\r\n",  # CRLF: left to parso
        "\ufefffrom a import b\n",
        "def (:\nfrom b import c\n",  # a syntax error: parso alone
    ],
)
def test_the_fast_parser_reads_imports_as_parso_does(text: str) -> None:
    from pgdrift.checks.imports_py import _imports_parso

    assert parse_imports("m.py", text) == _imports_parso("m.py", text)


def test_plain_reexport_chains_are_followed_without_jedi_as_jedi_follows_them(
    package: Path,
) -> None:
    from pgdrift.checks.imports_py import _UNSURE

    resolver = PyResolver(package)
    compared = 0
    for path in sorted(package.rglob("*.py")):
        text = path.read_text()
        for imp in parse_imports(str(path), text):
            for name in (None, *imp.names):
                quick = resolver._quick(path, text, imp, name)
                if quick is _UNSURE:
                    continue
                span = name.span if name is not None else imp.span
                assert quick == resolver._jedi(path, text, span, frozenset()), (path, imp, name)
                compared += 1
    assert compared >= 5  # svc.py's P, Q and gen.remote, the packages' own imports


def test_following_stops_at_the_stop_files(package: Path) -> None:
    remote = package / "gen" / "remote.py"
    resolver = PyResolver(package, frozenset({package / "app/db/inner.py"}))
    svc = package / "app" / "svc.py"
    text = svc.read_text()
    first = parse_imports(str(svc), text)[0]
    resolved = resolver.resolve(svc, text, first, first.names[1])  # Q, via inner.py
    assert resolved is not None
    assert resolved.chain == (package / "app/db/__init__.py", package / "app/db/inner.py")
    resolved = resolver.resolve(svc, text, first, first.names[0])  # P, not via inner.py
    assert resolved is not None and resolved.chain[-1] == remote
