"""Parsing TS/JS imports and resolving them as TypeScript does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgdrift.checks.files import DiskReader
from pgdrift.checks.imports_ts import (
    Binding,
    ImportRef,
    JsoncError,
    TsResolver,
    load_tsconfig,
    parse_jsonc,
    parse_module,
)
from pgdrift.model import Span


def span_of(text: str, needle: str, path: str = "f.ts") -> Span:
    """The range of the first ``needle`` in ``text``, found rather than counted."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return Span(path, line, col, line, col + len(needle))


def refs(text: str, path: str = "f.ts") -> dict[str, ImportRef]:
    return {r.specifier: r for r in parse_module(path, text).imports}


def test_every_import_form_with_exact_ranges() -> None:
    text = (
        'import type { A } from "./a";\n'
        "import { type B, C as D } from './b';\n"
        'import E, * as F from "./e";\n'
        'import "./side";\n'
        'export * from "./star";\n'
        'export * as ns from "./nsx";\n'
        'export { G as H, type I } from "./g";\n'
        'export type { J } from "./j";\n'
        'const x = await import("./dyn");\n'
        'const y = require("./req");\n'
        'import z = require("./eq");\n'
        'type T = import("./typeimp").Database;\n'
        "const t = import(`./tmpl`);\n"
    )
    found = refs(text)
    for specifier, ref in found.items():
        assert ref.span == span_of(text, specifier), specifier
    assert found["./a"] == ImportRef(
        "./a", span_of(text, "./a"), "import", True, (Binding("A", "A", None, True),)
    )
    assert found["./b"].bindings == (Binding("B", "B", None, True), Binding("C", "D", None, False))
    assert not found["./b"].type_only
    assert found["./e"].bindings == (Binding("default", "E"), Binding("*", "F"))
    assert found["./side"].bindings == ()
    assert found["./star"].is_star_export
    assert found["./nsx"].bindings == (Binding("*", None, "ns"),)
    assert found["./g"].bindings == (Binding("G", None, "H"), Binding("I", None, "I", True))
    assert found["./j"].type_only
    assert (found["./dyn"].kind, found["./dyn"].type_only) == ("dynamic", False)
    assert found["./req"].kind == "require"
    assert found["./eq"].kind == "require"
    assert (found["./typeimp"].kind, found["./typeimp"].type_only) == ("dynamic", True)
    assert found["./tmpl"].kind == "dynamic"


def test_columns_count_characters_not_bytes() -> None:
    text = 'const café = "☕"; import("./x");\n'
    assert refs(text)["./x"].span == span_of(text, "./x")


def test_declared_and_local_exports() -> None:
    text = (
        'import { Database as D } from "./types";\n'
        "export const k = 1, { m, n: [o] } = obj;\n"
        "export function f() {}\n"
        "export default class {}\n"
        "export type Q = number;\n"
        "export interface R {}\n"
        "export { D as Remote, k as kk };\n"
    )
    facts = parse_module("f.ts", text)
    assert facts.declared_exports >= {"k", "m", "o", "f", "default", "Q", "R"}
    assert facts.local_exports == (("Remote", "D"), ("kk", "k"))
    origin = facts.binding_for_local("D")
    assert origin is not None
    assert origin[1].imported == "Database"


def test_jsx_in_js_files_and_syntax_errors_are_tolerated() -> None:
    assert "./c" in refs('import C from "./c";\nexport const x = <C a={1} />;\n', "f.jsx")
    facts = parse_module("f.ts", 'import { A } from "./a";\nconst = ;\nimport("./b");\n')
    assert facts.has_errors
    assert {r.specifier for r in facts.imports} == {"./a", "./b"}


def test_require_must_be_the_global_function() -> None:
    found = refs('obj.require("./no"); require.resolve("./no2"); require("./yes");\n', "f.js")
    assert set(found) == {"./yes"}


# --- tsconfig --------------------------------------------------------------------------


def test_jsonc_comments_and_trailing_commas() -> None:
    text = '{\n  // c\n  "a": "http://x/*y*/", /* b */\n  "b": [1, 2,],\n}\n'
    assert parse_jsonc(text) == {"a": "http://x/*y*/", "b": [1, 2]}


def test_jsonc_error_positions_are_in_the_original_text() -> None:
    text = '{\n  /* long comment */ "a": 1\n  "b": 2\n}\n'
    with pytest.raises(JsoncError) as caught:
        parse_jsonc(text)
    assert (caught.value.line, caught.value.column) == (2, 2)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_extends_chain_through_a_package_and_relative_base(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "node_modules/@acme/tsconfig/base.json": json.dumps(
                {"compilerOptions": {"baseUrl": "../../.."}}
            ),
            "configs/paths.json": json.dumps(
                {
                    "extends": "@acme/tsconfig/base.json",
                    "compilerOptions": {"paths": {"#/*": ["../src/*"]}},
                }
            ),
            "tsconfig.json": '{ "extends": ["./configs/paths"] }',
        },
    )
    config = load_tsconfig(tmp_path / "tsconfig.json", DiskReader())
    assert config.problems == ()
    assert config.base_url == tmp_path
    # paths are relative to baseUrl when there is one.
    assert config.paths_base == tmp_path


def test_extends_problems_are_reported_at_the_key(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tsconfig.json": '{\n  "extends": "./a.json"\n}\n',
            "a.json": '{ "extends": "./tsconfig.json", "compilerOptions": {"paths": 3} }',
            "other.json": '{\n\n  "extends": "missing-package/tsconfig"\n}',
        },
    )
    config = load_tsconfig(tmp_path / "tsconfig.json", DiskReader())
    messages = [(p.path.name, p.line, p.message) for p in config.problems]
    assert ("a.json", 0, "`extends` cycle: tsconfig.json → a.json → tsconfig.json") in messages
    assert ("a.json", 0, "`paths` must map patterns to lists of strings") in messages
    # Packages are installed (node_modules exists), but not this one.
    (tmp_path / "node_modules").mkdir()
    other = load_tsconfig(tmp_path / "other.json", DiskReader())
    assert [(p.line, p.column, p.message, p.uninstalled) for p in other.problems] == [
        (2, 2, "cannot find 'missing-package/tsconfig', named in `extends`", False)
    ]


def test_extending_a_package_that_is_not_installed_is_not_the_files_fault(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"tsconfig.json": '{"extends": "@tsconfig/strictest/tsconfig.json"}'})
    [problem] = load_tsconfig(tmp_path / "tsconfig.json", DiskReader()).problems
    assert problem.uninstalled
    assert problem.message == (
        "tsconfig.json extends '@tsconfig/strictest/tsconfig.json', which is not installed "
        "(no node_modules)"
    )
    # A relative base that is missing is the file's fault, installed or not.
    write(tmp_path, {"tsconfig.json": '{"extends": "./base.json"}'})
    [problem] = load_tsconfig(tmp_path / "tsconfig.json", DiskReader()).problems
    assert not problem.uninstalled


def test_resolution_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tsconfig.json": json.dumps(
                {
                    "compilerOptions": {
                        "baseUrl": "src",
                        "paths": {"@/*": ["./*", "../generated/*"], "@/lib/*": ["./library/*"]},
                    }
                }
            ),
            "src/app.ts": "",
            "src/util.ts": "",
            "src/library/x.ts": "",
            "src/comp/index.tsx": "",
            "src/esm.ts": "",
            "generated/only.d.ts": "",
            "src/pkg/package.json": '{"types": "lib/main.d.ts"}',
            "src/pkg/lib/main.d.ts": "",
            "src/plain/thing.mjs": "",
        },
    )
    resolver = TsResolver(tmp_path, DiskReader())
    app = tmp_path / "src" / "app.ts"
    assert resolver.resolve("./util", app) == tmp_path / "src" / "util.ts"
    assert resolver.resolve("./esm.js", app) == tmp_path / "src" / "esm.ts"
    assert resolver.resolve("@/util", app) == tmp_path / "src" / "util.ts"
    # The longest matching prefix wins.
    assert resolver.resolve("@/lib/x", app) == tmp_path / "src" / "library" / "x.ts"
    # Later substitutions are tried when earlier ones miss.
    assert resolver.resolve("@/only", app) == tmp_path / "generated" / "only.d.ts"
    assert resolver.resolve("comp", app) == tmp_path / "src" / "comp" / "index.tsx"
    assert resolver.resolve("./pkg", app) == tmp_path / "src" / "pkg" / "lib" / "main.d.ts"
    assert resolver.resolve("./plain/thing.mjs", app) == tmp_path / "src" / "plain" / "thing.mjs"
    assert resolver.resolve("react", app) is None
    assert resolver.resolve("node:fs", app) is None
    assert resolver.resolve("./missing", app) is None


def test_nearest_tsconfig_applies(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tsconfig.json": json.dumps({"compilerOptions": {"paths": {"~/*": ["./a/*"]}}}),
            "pkg/jsconfig.json": json.dumps({"compilerOptions": {"paths": {"~/*": ["./b/*"]}}}),
            "a/m.ts": "",
            "pkg/b/m.js": "",
            "pkg/src/x.js": "",
            "src/y.ts": "",
        },
    )
    resolver = TsResolver(tmp_path, DiskReader())
    assert resolver.resolve("~/m", tmp_path / "pkg" / "src" / "x.js") == tmp_path / "pkg/b/m.js"
    assert resolver.resolve("~/m", tmp_path / "src" / "y.ts") == tmp_path / "a" / "m.ts"
