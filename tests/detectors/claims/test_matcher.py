"""The matcher: cross-language matching on the bilingual fixture, and the cascade's gate."""

from __future__ import annotations

from tests.detectors.claims.fixtures import POSTS
from wenming.core.factcheck import FactCheck
from wenming.detectors.claims.embed import E5Embedder
from wenming.detectors.claims.matcher import Gate, Matcher
from wenming.detectors.claims.registry import FactCheckDir
from wenming.detectors.claims.text import script_of


def test_posts_find_their_fact_check_in_either_language(
    registry: FactCheckDir, embedder: E5Embedder
) -> None:
    matcher = registry.matcher(embedder)
    restating = [(p, g) for p, g in POSTS if g is not None]
    by_id = {fc.id: fc for fc in registry.load()}
    crossing = [(p, g) for p, g in restating if script_of(p) != script_of(by_id[g].claim)]
    assert len(crossing) == 4  # zh posts on English fact-checks, and the other way round
    results = matcher.match([p for p, _ in restating], top=3, dense="always")
    for (post, expected), found in zip(restating, results, strict=True):
        assert found, post
        assert found[0].factcheck.id == expected, (post, [m.factcheck.id for m in found])
    # Scores are calibrated: a restatement in the other language carries no lexical
    # evidence, so the weakest (en→zh, "bananas with yogurt") stays below suggestion.
    assert sum(f[0].score >= 0.3 for f in results) >= 5


def test_unrelated_posts_are_not_suggested(registry: FactCheckDir, embedder: E5Embedder) -> None:
    matcher = registry.matcher(embedder)
    unrelated = [p for p, g in POSTS if g is None]
    for found in matcher.match(unrelated, top=3, dense="always"):
        assert not any(m.suggest for m in found), [(m.factcheck.id, m.score) for m in found]


def test_the_cascade_embeds_only_what_can_match(
    registry: FactCheckDir, embedder: E5Embedder
) -> None:
    # A registry this small knows few words, so the coverage gate would send nearly every
    # post on; switch it off to see the lexical gate alone, then on again.
    matcher = registry.matcher(embedder, gate=Gate(coverage=0.0))
    chat = [
        "see you at the party tomorrow, bring some snacks",
        "thanks for the birthday wishes everyone",
        "ok",
    ]
    matcher.match(chat)
    assert matcher.stats.dense == 0
    assert matcher.stats.too_short == 1
    [found] = matcher.match(["BREAKING: 5G towers are spreading the coronavirus!"])
    assert matcher.stats.dense == 1 and found[0].factcheck.id == "fc-5g"
    zh = "新冠疫苗里有芯片，打了就会被追踪"
    matcher.match([zh])
    assert matcher.stats.dense == 1  # the lexical stage cannot read it and has no match
    blind = registry.matcher(embedder, gate=Gate(coverage=0.6))
    [found] = blind.match([zh])
    assert blind.stats.dense == 1 and found[0].factcheck.id == "fc-chip"
    blind.match([zh])
    assert blind.stats.cache_hits == 1


def test_exact_duplicates_collapse_onto_the_first(embedder: E5Embedder) -> None:
    first = FactCheck(id="a", claim="Drinking bleach cures the flu.", verdict="false")
    copy = FactCheck(id="b", claim="Drinking “bleach” cures the flu!", verdict="false")
    other = FactCheck(id="c", claim="The Moon landing was filmed in a studio.", verdict="false")
    fcs = [first, copy, other]
    from wenming.detectors.claims.embed import embed_factchecks
    from wenming.detectors.claims.matcher import embedding_text

    matcher = Matcher(
        fcs, embed_factchecks(embedder, [embedding_text(f) for f in fcs]), embedder=embedder
    )
    [found] = matcher.match(["drinking bleach will cure your flu"], dense="always")
    assert [m.factcheck.id for m in found] == ["a", "c"]


def test_lexical_only_without_embeddings() -> None:
    fcs = [FactCheck(id="a", claim="Drinking bleach cures the flu.", verdict="false")]
    matcher = Matcher(fcs, None, embedder=None)
    [found] = matcher.match(["does drinking bleach cure the flu?"])
    assert found[0].factcheck.id == "a" and found[0].dense is None
