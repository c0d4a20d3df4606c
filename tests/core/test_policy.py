"""Policy validation: every broken policy is refused with file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.model import Verdict
from wenming.core.policy import PolicyError
from wenming.detectors.lexicon import config as lexicon_config
from wenming.policies.loader import load_policy, parse_policy


def _error(text: str, tmp_path: Path, files: dict[str, bytes] | None = None) -> PolicyError:
    for name, content in (files or {}).items():
        (tmp_path / name).write_bytes(content)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return info.value


def test_the_minimum_shape_from_the_design_loads(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("bad phrase\n", encoding="utf-8")
    p = parse_policy(
        "categories:\n  spam:\n    terms: [buy now]\n    terms_file: t.txt\n"
        "    review_at: 0.5\n    block_at: 0.9\n",
        base_dir=tmp_path,
    )
    spam = p.categories["spam"]
    assert [t.text for t in lexicon_config.of(p.part("lexicon")).categories["spam"].terms] == [
        "buy now",
        "bad phrase",
    ]
    assert spam.thresholds == {Verdict.REVIEW: 0.5, Verdict.BLOCK: 0.9}
    assert p.version.startswith("policy@")


def test_version_changes_with_the_content_of_term_files(tmp_path: Path) -> None:
    text = "categories:\n  spam:\n    terms_file: t.txt\n    block_at: 0.9\n"
    (tmp_path / "t.txt").write_text("one\n", encoding="utf-8")
    v1 = parse_policy(text, base_dir=tmp_path).version
    assert parse_policy(text, base_dir=tmp_path).version == v1
    (tmp_path / "t.txt").write_text("one\ntwo\n", encoding="utf-8")
    assert parse_policy(text, base_dir=tmp_path).version != v1


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    err = _error("categories:\n  spam:\n    terms: [a, b\n    block_at: 0.9\n", tmp_path)
    assert err.source.endswith("policy.yaml")
    assert err.line in (3, 4)
    assert "YAML" in str(err)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("categories:\n  spam:\n    terms: [a]\n    blok_at: 0.9\n", 4, "unknown key 'blok_at'"),
        ("categories:\n  spam:\n    terms: [a]\n    block_at: 1.5\n", 4, "between 0.0 and 1.0"),
        ("categories:\n  spam:\n    terms: [a]\n    block_at: high\n", 4, "must be a number"),
        ("categories:\n  spam:\n    terms: [a]\n", 2, "no threshold"),
        ("categories:\n  Spam!:\n    block_at: 0.9\n", 2, "category id"),
        (
            "categories:\n  s:\n    block_at: 0.9\n    rules:\n      - {pattern: '(unclosed'}\n",
            5,
            "invalid regular expression",
        ),
        ("categories:\n  s:\n    block_at: 0.9\n    terms: a string\n", 4, "must be a list"),
        ("categories:\n  s:\n    block_at: 0.9\n    age_rating: 21+\n", 4, "age_rating"),
        ("categories: {}\n", 1, "at least one category"),
        ("categoriez:\n  s: {}\n", 1, "unknown top-level key"),
        ("categories:\n  s:\n    block_at: 0.9\n    block_at: 0.8\n", 4, "duplicate key"),
        (
            "categories:\n  s:\n    block_at: 0.9\n    near:\n      - {terms: [a]}\n",
            5,
            "at least two terms",
        ),
    ],
)
def test_each_fault_is_reported_at_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    err = _error(text, tmp_path)
    assert err.line == line, str(err)
    assert words in str(err)
    assert str(err).startswith(f"{tmp_path / 'policy.yaml'}:{line}: ")


def test_a_bad_weight_in_a_term_file_names_that_file_and_line(tmp_path: Path) -> None:
    err = _error(
        "categories:\n  s:\n    terms_file: t.txt\n    block_at: 0.9\n",
        tmp_path,
        {"t.txt": b"# comment\nfine\nbad\tlots\n"},
    )
    assert err.source == "t.txt"
    assert err.line == 3
    assert "not a number" in str(err)


def test_a_missing_term_file_is_reported_where_it_is_named(tmp_path: Path) -> None:
    err = _error("categories:\n  s:\n    block_at: 0.9\n    terms_file: nope.txt\n", tmp_path)
    assert err.line == 4
    assert "nope.txt" in str(err)


def test_a_term_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    err = _error(
        "categories:\n  s:\n    block_at: 0.9\n    terms_file: t.txt\n",
        tmp_path,
        {"t.txt": b"ok\n\xff\xfe\n"},
    )
    assert err.line == 2
    assert "UTF-8" in str(err)


def test_an_empty_or_missing_policy_file(tmp_path: Path) -> None:
    assert "empty" in str(_error("", tmp_path))
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "absent.yaml")


def test_the_default_pack_loads() -> None:
    p = load_policy(None)
    assert len(p.categories) >= 8
    assert all(c.title.get("zh") and c.title.get("en") for c in p.categories.values())
