"""``wenming claims import|export|match`` end to end on the fixture."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.detectors.claims.fixtures import FACTCHECKS, POSTS
from wenming.cli import _load_commands, app
from wenming.detectors.claims.registry import FactCheckDir

_load_commands()
runner = CliRunner()


def _text(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines


def test_import_export_match(tmp_path: Path, registry_template: Path) -> None:
    reg = tmp_path / "reg"
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in FACTCHECKS[:3]), encoding="utf-8"
    )
    result = runner.invoke(app, ["claims", "import", str(src), "--registry", str(reg)])
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 unchanged" in _text(result.output)

    out = tmp_path / "out.json"
    result = runner.invoke(
        app,
        [
            "claims",
            "export",
            "--format",
            "claimreview",
            "--output",
            str(out),
            "--registry",
            str(reg),
        ],
    )
    assert result.exit_code == 0, result.output
    nodes = json.loads(out.read_text(encoding="utf-8"))
    assert [n["identifier"] for n in nodes] == ["fc-5g", "fc-chip", "fc-garlic"]
    result = runner.invoke(app, ["claims", "import", str(out), "--registry", str(reg)])
    assert "0 added, 0 updated, 3 unchanged" in _text(result.output)

    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        "".join(
            json.dumps({"id": f"p{i}", "text": p}, ensure_ascii=False) + "\n"
            for i, (p, _) in enumerate(POSTS)
        ),
        encoding="utf-8",
    )
    matched = tmp_path / "matched.jsonl"
    result = runner.invoke(
        app,
        [
            "claims",
            "match",
            str(posts),
            "--top",
            "2",
            "--output",
            str(matched),
            "--registry",
            str(registry_template),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in matched.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == [f"p{i}" for i in range(len(POSTS))]
    assert lines[0]["matches"][0]["claim_id"] == "fc-5g"
    assert all(len(x["matches"]) <= 2 for x in lines)
    scores = [m["score"] for m in lines[0]["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_malformed_import_changes_nothing(tmp_path: Path, registry_template: Path) -> None:
    reg = FactCheckDir(registry_template)
    before = (registry_template / "factchecks.jsonl").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "@type": "ClaimReview",
                    "identifier": "new-1",
                    "claimReviewed": "A new claim",
                    "reviewRating": {"alternateName": "False"},
                },
                {
                    "@type": "ClaimReview",
                    "identifier": "new-2",
                    "claimReviewed": "Another",
                    "reviewRating": {"ratingValue": 1},
                },
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["claims", "import", str(bad), "--registry", str(registry_template)]
    )
    assert result.exit_code == 2
    assert "nothing was imported" in _text(result.output)
    assert "$[1]: reviewRating.alternateName (the verdict) is missing" in _text(result.output)
    assert (registry_template / "factchecks.jsonl").read_bytes() == before
    assert "new-1" not in {fc.id for fc in reg.load()}


def test_push_to_the_database_and_pull_a_snapshot(tmp_path: Path, registry_template: Path) -> None:
    env = {"WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(app, ["claims", "push", "--registry", str(registry_template)], env=env)
    assert result.exit_code == 0, result.output
    assert f"{len(FACTCHECKS)} created" in _text(result.output)
    again = runner.invoke(app, ["claims", "push", "--registry", str(registry_template)], env=env)
    assert f"{len(FACTCHECKS)} unchanged" in _text(again.output)
    snapshot = tmp_path / "snapshot"
    result = runner.invoke(app, ["claims", "pull", "--registry", str(snapshot)], env=env)
    assert result.exit_code == 0, result.output
    pulled = FactCheckDir(snapshot)
    assert [fc.id for fc in pulled.load()] == [x["id"] for x in FACTCHECKS]
    meta = json.loads((snapshot / "embeddings.json").read_text(encoding="utf-8"))
    original = json.loads((registry_template / "embeddings.json").read_text(encoding="utf-8"))
    assert meta == original  # the embeddings travelled; nothing needs embedding again
