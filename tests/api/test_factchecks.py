"""/v1/factchecks: factchecker writes with versions, public feed and search, match counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from tests.detectors.claims.fixtures import FACTCHECKS
from wenming.config import Settings
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import factcheck
from wenming.service.keys import Role

POLICY = """\
categories:
  misinformation: {label_at: 0.5}
factchecks: {category: misinformation, suggest_at: 0.3, registry: snapshot}
"""


@pytest.fixture
def factchecker(runtime: Runtime) -> str:
    return make_key(runtime, Role.FACTCHECKER)


def _publish(client: TestClient, key: str, n: int = 4) -> None:
    for body in FACTCHECKS[:n]:
        r = client.post("/v1/factchecks", json=body, headers=auth(key))
        assert r.status_code == 201, r.text


def test_only_factcheckers_write(client: TestClient, keys: Keys, factchecker: str) -> None:
    body = FACTCHECKS[0]
    r = client.post("/v1/factchecks", json=body, headers=auth(keys.viewer))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert client.post("/v1/factchecks", json=body).status_code == 401
    r = client.post("/v1/factchecks", json=body, headers=auth(factchecker))
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/v1/factchecks/fc-5g"
    assert r.json()["version"] == 1 and r.json()["matches"] == 0
    again = client.post("/v1/factchecks", json=body, headers=auth(factchecker))
    assert again.status_code == 422
    bad = client.post(
        "/v1/factchecks", json={**body, "id": "x", "published": "soon"}, headers=auth(factchecker)
    )
    assert bad.status_code == 422 and "published" in bad.json()["message"]


def test_edits_are_versioned_and_deletes_keep_history(client: TestClient, factchecker: str) -> None:
    _publish(client, factchecker, 1)
    edited = {**FACTCHECKS[0], "rebuttal": "Radio waves cannot carry a virus."}
    edited.pop("id")
    r = client.put("/v1/factchecks/fc-5g", json=edited, headers=auth(factchecker))
    assert r.status_code == 200 and r.json()["version"] == 2
    same = client.put("/v1/factchecks/fc-5g", json=edited, headers=auth(factchecker))
    assert same.json()["version"] == 2  # nothing changed, no new version
    assert client.delete("/v1/factchecks/fc-5g", headers=auth(factchecker)).status_code == 204
    assert client.get("/v1/factchecks/fc-5g").status_code == 404
    versions = client.get("/v1/factchecks/fc-5g/versions").json()
    assert [(v["version"], v["change"]) for v in versions] == [
        (1, "create"),
        (2, "update"),
        (3, "delete"),
    ]
    assert versions[1]["record"]["rebuttal"] == "Radio waves cannot carry a virus."


def test_public_feed_filters_and_multilingual_search(client: TestClient, factchecker: str) -> None:
    _publish(client, factchecker, len(FACTCHECKS))
    feed = client.get("/v1/factchecks", params={"limit": 3}).json()
    assert feed["total"] == len(FACTCHECKS) and len(feed["items"]) == 3
    assert feed["items"][0]["id"] == FACTCHECKS[-1]["id"]  # newest first
    true = client.get("/v1/factchecks", params={"verdict": "true"}).json()
    assert [x["id"] for x in true["items"]] == ["fc-moon"]
    tagged = client.get("/v1/factchecks", params={"tag": "5G"}).json()
    assert [x["id"] for x in tagged["items"]] == ["fc-5g"]
    dated = client.get("/v1/factchecks", params={"since": "2023-01-01"}).json()
    assert [x["id"] for x in dated["items"]] == ["fc-salt"]
    found = client.get("/v1/factchecks", params={"q": "5G基站会传播新冠病毒吗"}).json()
    assert found["items"][0]["id"] == "fc-5g" and found["items"][0]["score"] > 0.3
    found = client.get("/v1/factchecks", params={"q": "does iodized salt stop radiation?"})
    assert found.json()["items"][0]["id"] == "fc-salt"


def test_match_counts_come_from_screening(
    client: TestClient,
    runtime: Runtime,
    keys: Keys,
    factchecker: str,
    settings: Settings,
    tmp_path: Path,
) -> None:
    _publish(client, factchecker, len(FACTCHECKS))
    assert factcheck.snapshot(runtime.store, tmp_path / "snapshot") == len(FACTCHECKS)
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    screener = Screener.from_policy(tmp_path / "policy.yaml")
    rt = Runtime.build(settings, screener=screener)
    try:
        with TestClient(create_app(rt)) as screening:
            items = [
                {"id": "p1", "text": "5G基站正在传播新冠病毒，赶紧转发！"},
                {"id": "p2", "text": "BREAKING: 5G towers are spreading the coronavirus!"},
                {"id": "p3", "text": "Lovely weather today, going hiking with friends"},
            ]
            r = screening.post("/v1/screen", json={"items": items}, headers=auth(keys.acme))
            assert r.status_code == 200, r.text
            results = r.json()["results"]
            assert [x["labels"] for x in results] == [["misinformation"]] * 2 + [[]]
            assert results[0]["evidence"][0]["factcheck_id"] == "fc-5g"
    finally:
        rt.close()
    one = client.get("/v1/factchecks/fc-5g").json()
    assert one["matches"] == 2
    assert client.get("/v1/factchecks/fc-salt").json()["matches"] == 0


DB_POLICY = """\
categories:
  misinformation: {label_at: 0.5}
factchecks: {category: misinformation, suggest_at: 0.3}
"""


def test_published_factchecks_reach_screening_without_a_pull(
    client: TestClient, keys: Keys, factchecker: str, settings: Settings, tmp_path: Path
) -> None:
    """The database is the registry: no `wenming claims pull`, and later fact-checks are
    read incrementally (only what changed since the last look)."""
    (tmp_path / "policy.yaml").write_text(DB_POLICY, encoding="utf-8")
    live = settings.model_copy(
        update={"policy": tmp_path / "policy.yaml", "factchecks_check_seconds": 0.0}
    )
    _publish(client, factchecker, 1)  # fc-5g only
    rt = Runtime.build(live)
    try:
        with TestClient(create_app(rt)) as screening:
            calls = iter(range(100))

            def labels(text: str) -> list[str]:  # a new item id each time: /v1/screen is idempotent
                body = {"items": [{"id": f"p{next(calls)}", "text": text}]}
                r = screening.post("/v1/screen", json=body, headers=auth(keys.acme))
                assert r.status_code == 200, r.text
                return list(r.json()["results"][0]["labels"])

            assert labels("BREAKING: 5G towers are spreading the coronavirus!") == [
                "misinformation"
            ]
            salt = "Eating iodized salt protects you from nuclear radiation, stock up now"
            assert labels(salt) == []
            index = rt.factcheck_index
            before = dict(index._rows)
            for body in FACTCHECKS[1:]:
                r = client.post("/v1/factchecks", json=body, headers=auth(factchecker))
                assert r.status_code == 201, r.text
            assert labels(salt) == ["misinformation"]
            # the fact-checks read before were kept, not reloaded
            assert all(index._rows[k][2] is v[2] for k, v in before.items())
            withdrawn = client.delete("/v1/factchecks/fc-salt", headers=auth(factchecker))
            assert withdrawn.status_code == 204, withdrawn.text
            assert labels(salt) == []
    finally:
        rt.close()
