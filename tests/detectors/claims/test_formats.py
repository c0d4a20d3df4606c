"""Import and export: round trips, and bad files refused whole with what and where."""

from __future__ import annotations

import io
import json

import pytest

from tests.detectors.claims.fixtures import FACTCHECKS
from wenming.core.factcheck import FactCheck, FactCheckError, factcheck_from_mapping
from wenming.detectors.claims.formats import (
    FORMATS,
    Format,
    read_factchecks,
    write_factchecks,
)


def _all() -> list[FactCheck]:
    return [factcheck_from_mapping(x) for x in FACTCHECKS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(fmt: Format) -> None:
    out = io.StringIO()
    assert write_factchecks(_all(), out, fmt=fmt) == len(FACTCHECKS)
    back = read_factchecks(out.getvalue().encode(), fmt=fmt)
    assert back == _all()


def test_claimreview_is_schema_org() -> None:
    out = io.StringIO()
    write_factchecks(_all()[:1], out, fmt="claimreview")
    node = json.loads(out.getvalue())[0]
    assert node["@type"] == "ClaimReview"
    assert node["@context"] == "https://schema.org"
    assert node["claimReviewed"] == "5G mobile networks spread the coronavirus."
    assert node["reviewRating"]["alternateName"] == "False"
    assert node["author"] == {"@type": "Organization", "name": "Example Checks"}
    assert node["url"] == "https://example.org/fact/5g"


def test_claimreview_as_published_by_fact_checkers() -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [
                    {
                        "@type": "ClaimReview",
                        "url": "https://checks.example/2024/05/bananas",
                        "claimReviewed": "Bananas and yogurt are poisonous together",
                        "author": {"@type": "Organization", "name": "Checks"},
                        "datePublished": "2024-05-01",
                        "inLanguage": {
                            "@type": "Language",
                            "name": "English",
                            "alternateName": "en",
                        },
                        "reviewRating": {
                            "@type": "Rating",
                            "ratingValue": 1,
                            "alternateName": "Pants on Fire!",
                        },
                        "itemReviewed": {
                            "@type": "Claim",
                            "author": {"@type": "Person", "name": "x"},
                        },
                    }
                ],
            }
        ],
    }
    [fc] = read_factchecks(json.dumps(feed).encode(), fmt="claimreview")
    assert fc.verdict == "false"
    assert fc.languages == ("en",)
    assert fc.id.startswith("cr-")
    assert fc.sources == ("https://checks.example/2024/05/bananas",)


def test_malformed_claimreview_names_every_bad_record_and_where() -> None:
    good = {
        "@type": "ClaimReview",
        "identifier": "ok",
        "claimReviewed": "A claim",
        "reviewRating": {"alternateName": "False"},
    }
    doc = [
        good,
        {**good, "identifier": "no-claim", "claimReviewed": ""},
        {**good, "identifier": "odd", "reviewRating": {"alternateName": "Sort of"}},
        {**good, "identifier": "bad-date", "datePublished": "yesterday"},
    ]
    with pytest.raises(FactCheckError) as info:
        read_factchecks(json.dumps(doc).encode(), fmt="claimreview", source="feed.json")
    message = str(info.value)
    assert "3 bad record(s)" in message and "nothing was imported" in message
    assert "feed.json: $[1]: claimReviewed" in message
    assert "$[2]: reviewRating.alternateName 'Sort of'" in message
    assert "$[3]: field 'published' value 'yesterday'" in message


def test_broken_json_names_the_line() -> None:
    with pytest.raises(FactCheckError, match=r"feed.json:3: not JSON"):
        read_factchecks(
            b'[\n{"@type": "ClaimReview",\n oops}\n]', fmt="claimreview", source="feed.json"
        )


def test_jsonl_and_csv_errors_name_the_line() -> None:
    data = b'{"id": "a", "claim": "x"}\n{"id": "b"}\n{"id": "a", "claim": "y"}\n'
    with pytest.raises(FactCheckError) as info:
        read_factchecks(data, fmt="jsonl", source="in.jsonl")
    assert "in.jsonl:2: missing field 'claim'" in str(info.value)
    assert "in.jsonl:3: duplicate id 'a' (first at in.jsonl:1)" in str(info.value)
    with pytest.raises(FactCheckError, match=r"in.csv:1: the CSV header has unknown column"):
        read_factchecks(b"id,claim,rating\na,b,c\n", fmt="csv", source="in.csv")
    with pytest.raises(FactCheckError, match=r"in.csv:3: verdict 'maybe'"):
        read_factchecks(b"id,claim,verdict\na,b,false\nc,d,maybe\n", fmt="csv", source="in.csv")


def test_minimal_jsonl_needs_only_id_and_claim() -> None:
    [fc] = read_factchecks('{"id": "x1", "claim": "谣言内容"}\n'.encode(), fmt="jsonl")
    assert fc.verdict == "unproven" and not fc.debunked
