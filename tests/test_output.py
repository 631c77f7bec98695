"""Output formats of findings: text, JSON (ruff's shape), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from pgdrift.checks.finding import Finding, Fix, Severity, TextEdit
from pgdrift.model import Span
from pgdrift.output import (
    exit_code,
    render,
    render_github,
    render_json,
    render_sarif,
    render_text,
    use_color,
)

#: The official OASIS SARIF 2.1.0 JSON schema, verbatim: `Schemata/sarif-schema-2.1.0.json`
#: of github.com/oasis-tcs/sarif-spec at commit 85971b3e048f61a6d643b95fc6233d073302f5b8.
SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
ROOT = Path("/project")


def findings() -> list[Finding]:
    remote = Span("/project/src/services/users.ts", 2, 30, 2, 52)
    return [
        Finding(
            "PGD302",
            Severity.WARNING,
            "`src/z.ts` imports the generated types directly",
            Span("/project/src/z.ts", 0, 0, 0, 5),
        ),
        Finding(
            "PGD301",
            Severity.ERROR,
            "`src/services/users.ts` imports the remote types `types/database.remote.ts`",
            remote,
            Fix(
                "Import from `@/types/database.local` (the local types)",
                (TextEdit(remote, "@/types/database.local"),),
            ),
        ),
        Finding(
            "PGD003",
            Severity.INFO,
            "cannot read a,b: 100% binary\nskipped",
            Span("/project/src/a,b.ts", 0, 0, 0, 0),
        ),
        Finding(
            "PGD001", Severity.WARNING, "unused", Span("/project/src/services/users.ts", 0, 3, 0, 9)
        ),
    ]


def test_text_is_ruff_like_sorted_with_a_summary() -> None:
    assert render_text(findings(), ROOT) == (
        "src/a,b.ts:1:1: PGD003 cannot read a,b: 100% binary\nskipped\n"
        "src/services/users.ts:1:4: PGD001 unused\n"
        "src/services/users.ts:3:31: PGD301 [*] `src/services/users.ts` imports the remote "
        "types `types/database.remote.ts`\n"
        "src/z.ts:1:1: PGD302 `src/z.ts` imports the generated types directly\n"
        "Found 4 findings (1 error, 2 warnings, 1 info).\n"
        "[*] 1 fixable (the editor offers the fix).\n"
    )


def test_text_when_clean() -> None:
    assert render_text([], ROOT) == "All checks passed!\n"


def test_colour_only_when_asked_and_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = render_text(findings()[:1], ROOT, color=True)
    assert "\x1b[1m" in coloured and "\x1b[33m" in coloured
    assert "\x1b[" not in render_text(findings()[:1], ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert not use_color(io.StringIO())

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Terminal())


def test_json_has_ruffs_shape_sorted_by_path_then_position() -> None:
    data = json.loads(render_json(findings(), ROOT))
    assert [(d["path"], d["location"]["row"]) for d in data] == [
        ("src/a,b.ts", 1),
        ("src/services/users.ts", 1),
        ("src/services/users.ts", 3),
        ("src/z.ts", 1),
    ]
    assert data[2] == {
        "code": "PGD301",
        "severity": "error",
        "message": "`src/services/users.ts` imports the remote types `types/database.remote.ts`",
        "path": "src/services/users.ts",
        "location": {"row": 3, "column": 31},
        "end_location": {"row": 3, "column": 53},
        "fix": {
            "message": "Import from `@/types/database.local` (the local types)",
            "edits": [
                {
                    "path": "src/services/users.ts",
                    "location": {"row": 3, "column": 31},
                    "end_location": {"row": 3, "column": 53},
                    "content": "@/types/database.local",
                }
            ],
        },
        "url": None,
    }
    assert data[0]["fix"] is None
    assert render_json([], ROOT) == "[]\n"


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    log = json.loads(render_sarif(findings(), ROOT))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(log)
    broken = {**log, "runs": [{"results": []}]}  # no tool: the schema must object
    with pytest.raises(jsonschema.ValidationError):
        validator(schema).validate(broken)


def test_sarif_content() -> None:
    log = json.loads(render_sarif(findings(), ROOT))
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pgdrift"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert {"PGD001", "PGD003", "PGD301", "PGD302"} <= set(rule_ids)
    assert rule_ids == sorted(rule_ids)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///project/"
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["PGD003", "PGD001", "PGD301", "PGD302"]
    pgd301 = results[2]
    assert rule_ids[pgd301["ruleIndex"]] == "PGD301"
    assert pgd301["level"] == "error"
    assert results[0]["level"] == "note"
    assert pgd301["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "src/services/users.ts", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 31, "endLine": 3, "endColumn": 53},
            }
        }
    ]
    assert pgd301["fixes"] == [
        {
            "description": {"text": "Import from `@/types/database.local` (the local types)"},
            "artifactChanges": [
                {
                    "artifactLocation": {
                        "uri": "src/services/users.ts",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3,
                                "startColumn": 31,
                                "endLine": 3,
                                "endColumn": 53,
                            },
                            "insertedContent": {"text": "@/types/database.local"},
                        }
                    ],
                }
            ],
        }
    ]


def test_github_annotations_escape_properties_and_data() -> None:
    assert render_github(findings(), ROOT).splitlines() == [
        "::notice file=src/a%2Cb.ts,line=1,col=1,endLine=1,endColumn=1,title=PGD003"
        "::cannot read a,b: 100%25 binary%0Askipped",
        "::warning file=src/services/users.ts,line=1,col=4,endLine=1,endColumn=10,title=PGD001"
        "::unused",
        "::error file=src/services/users.ts,line=3,col=31,endLine=3,endColumn=53,title=PGD301"
        "::`src/services/users.ts` imports the remote types `types/database.remote.ts`",
        "::warning file=src/z.ts,line=1,col=1,endLine=1,endColumn=6,title=PGD302"
        "::`src/z.ts` imports the generated types directly",
    ]


def test_paths_outside_the_root_and_relative_paths() -> None:
    outside = Finding("PGD003", Severity.INFO, "m", Span("/elsewhere/x.ts", 0, 0, 0, 0))
    relative = Finding("PGD003", Severity.INFO, "m", Span("src/y.ts", 0, 0, 0, 0))
    data = json.loads(render_json([outside, relative], ROOT))
    assert [d["path"] for d in data] == ["/elsewhere/x.ts", "src/y.ts"]
    log = json.loads(render_sarif([outside], ROOT))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///elsewhere/x.ts"}


def test_unregistered_codes_still_get_a_sarif_rule() -> None:
    finding = Finding("PGD499", Severity.ERROR, "m", Span("/project/a.sql", 0, 0, 0, 1))
    log = json.loads(render_sarif([finding], ROOT))
    assert "PGD499" in [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]


def test_render_dispatch_and_exit_codes() -> None:
    assert render(findings(), ROOT, "json") == render_json(findings(), ROOT)
    assert render(findings(), ROOT, "github") == render_github(findings(), ROOT)
    assert exit_code([]) == 0
    assert exit_code(findings()) == 1
