"""The personal-data detector: check digits, exposing words, a poster's own details."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.core.policy import PolicyError
from wenming.detectors.pii import data
from wenming.detectors.screener import Screener

POLICY = """\
name: pii
categories:
  privacy:
    title: Privacy
    block_at: 0.9
    pii:
      weight: 0.95
      within: 40
      exposing: [go harass, 人肉, here is his]
      own: [call us, 本店]
"""


@pytest.fixture
def pii(tmp_path: Path) -> Screener:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return Screener.from_policy(path)


def test_check_digits() -> None:
    assert data.resident_id_ok("110105199003071239")
    assert not data.resident_id_ok("110105199003071234")
    assert data.resident_id_ok("11010519491231002x")
    assert data.luhn_ok("4532015112830366") and not data.luhn_ok("4532015112830367")
    kinds = [k for k, _, _ in data.find("id 110105199003071234 card 4532015112830367")]
    assert kinds == []  # both fail their check digit


def test_each_kind_is_found() -> None:
    text = (
        "110105199003071239 / 4532 0151 1283 0366 / 138 1234 5678 / 078-05-1120 / "
        "(312) 555-0147 / a.b@mail.example.com / 京a12345 / 42 oak street / "
        "文三路88号5栋 / 幸福小区8栋1单元601 / plate: 7abc123"
    )
    found = [(k, text[s:e]) for k, s, e in data.find(text)]
    assert found == [
        ("cn_resident_id", "110105199003071239"),
        ("bank_card", "4532 0151 1283 0366"),
        ("cn_mobile", "138 1234 5678"),
        ("us_ssn", "078-05-1120"),
        ("phone", "(312) 555-0147"),
        ("email", "a.b@mail.example.com"),
        ("cn_plate", "京a12345"),
        ("address", "42 oak street"),
        ("cn_address", "文三路88号5栋"),
        ("cn_address", "幸福小区8栋1单元601"),
        ("plate", "7abc123"),
    ]


def test_exposed_data_blocks_and_the_span_points_at_it(pii: Screener) -> None:
    text = "Found her. Her phone is 555-0199, go harass her"
    d = pii.screen_one(text)
    assert d.verdict.value == "block"
    ev = d.to_dict()["evidence"][0]
    assert (ev["detector"], ev["rule"], ev["match"]) == ("pii", "exposed-phone", "555-0199")
    assert text[ev["start"] : ev["end"]] == "555-0199"
    assert pii.screen_one("人肉到了，手机号13812345678").verdict.value == "block"


def test_data_alone_or_the_posters_own_is_not_doxxing(pii: Screener) -> None:
    assert pii.screen_one("My number is 555-0199").verdict.value == "allow"
    assert (
        pii.screen_one("Plumbing 24/7, call us at 312-555-0110, go harass your pipes").verdict.value
        == "allow"
    )
    assert pii.screen_one("go harass him" + " " * 60 + "555-0199").verdict.value == "allow"


def test_config_faults_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY.replace("weight: 0.95", "weight: 3"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"p.yaml:7: pii.weight"):
        Screener.from_policy(path)
    path.write_text(POLICY + "      kinds: [dna]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"p.yaml:11: unknown personal-data kind 'dna'"):
        Screener.from_policy(path)
