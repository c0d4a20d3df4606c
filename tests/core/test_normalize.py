"""The normalizer's views and, above all, its offset maps back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.core.normalize import _LEET, SEP_BREAK, SEP_SYMBOL, normalize

# Text drawn from the characters evaders use: Latin, digits, leet symbols, full-width
# forms, Cyrillic/Greek look-alikes, CJK (simplified and traditional), separators,
# invisible characters, emoji, ligatures and combining marks.
ALPHABET = st.sampled_from(
    list(
        "abcdeifkstuoxyzABCKSTU0134578@$!|+ .*-_,。！？"
        "ａｂｃＦＵＣＫ０１２аеорсхуαορ傻逼加微信賭博網站发票代开"
        "\u200b\u200c\u200d\ufeff\u2060\u00ad\u0301\u0308ﬁﬂ™①㎏ß🍎😀🅵𝐟"
    )
)
TEXT = st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_views_have_consistent_lengths(text: str) -> None:
    n = normalize(text)
    assert len(n.spaced) == len(n.canonical)
    assert n.compact == n.spaced.replace(" ", "").replace(SEP_SYMBOL, "").replace(SEP_BREAK, "")


@settings(max_examples=400, deadline=None)
@given(TEXT, st.data())
def test_compact_spans_map_inside_the_original_in_order(text: str, data: st.DataObject) -> None:
    n = normalize(text)
    if not n.compact:
        return
    s = data.draw(st.integers(0, len(n.compact) - 1))
    e = data.draw(st.integers(s + 1, len(n.compact)))
    start, end = n.compact_span(s, e)
    assert 0 <= start < end <= len(text)
    # Spans never go backwards: a later compact char maps at or after an earlier one.
    starts = [n.compact_span(j, j + 1)[0] for j in range(len(n.compact))]
    assert starts == sorted(starts)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_each_compact_char_comes_from_the_original_char_it_maps_to(text: str) -> None:
    n = normalize(text)
    for j in range(len(n.compact)):
        start, end = n.compact_span(j, j + 1)
        canon = normalize(text[start:end]).canonical  # the source, folded on its own
        # In context a source character may also have been decoded as leetspeak, and
        # "l" is folded together with its look-alikes "1" and "|".
        options = set(canon) | {_LEET.get(c, c) for c in canon}
        assert n.compact[j] in options, (text, j, n.compact, canon)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abcdefghijkmnopqrstuvwxyz傻逼加微信")),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u2060"]), max_size=5),
)
def test_invisible_characters_change_nothing_but_offsets(word: str, junk: list[str]) -> None:
    spiked = "".join(c + (junk[i % len(junk)] if junk else "") for i, c in enumerate(word))
    assert normalize(spiked).compact == normalize(word).compact
    n = normalize(spiked)
    start, end = n.compact_span(0, len(n.compact))
    assert (
        spiked[start:end]
        .replace("\u200b", "")
        .replace("\u200d", "")
        .replace("\ufeff", "")
        .replace("\u2060", "")
        == word
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("abcdefghijkmnopqrstuvwxyz")), min_size=2, max_size=12),
    st.sampled_from([" ", ".", "*", "-", "_", "😀", "·", "/"]),
)
def test_separators_between_letters_vanish_from_the_compact_view(word: str, sep: str) -> None:
    assert normalize(sep.join(word)).compact == normalize(word).compact


def test_folds_width_case_homoglyphs_and_traditional() -> None:
    assert normalize("ＦＵＣＫ").compact == "fuck"
    assert normalize("сasinо").compact == "casino"  # Cyrillic с and о
    assert normalize("賭博網站").compact == "赌博网站"
    assert normalize("𝐟𝐮𝐜𝐤").compact == "fuck"
    assert normalize("🅵🆄🅲🅺").compact == "fuck"
    assert normalize("shā bī").compact == "shabi"


def test_leetspeak_is_decoded_inside_words_only() -> None:
    assert normalize("sh1t").compact == "shit"
    assert normalize("$hit").compact == "shit"
    assert normalize("g0 t0 h3ll0").compact == "gotohello"
    assert normalize("a55hole").compact == normalize("asshole").compact
    # Digits that stand alone stay digits: phone numbers, prices, years.
    assert normalize("call 13812345678").compact.endswith("13812345678")
    assert normalize("in 2024").compact == "in2024"


def test_expansions_and_deletions_keep_offsets_exact() -> None:
    text = "ﬁne\u200b f\u200bu\u200bck ①"
    n = normalize(text)
    j = n.compact.index("fuck")
    start, end = n.compact_span(j, j + 4)
    assert text[start:end] == "f\u200bu\u200bck"
    start, end = n.compact_span(0, 1)
    assert text[start:end] == "ﬁ"


def test_word_starts_follow_separators_and_script_changes() -> None:
    n = normalize("Scunthorpe fuck123 我fuck")
    c = n.compact
    assert not n.word_start(c.index("cunt"))
    assert n.word_start(c.index("fuck"))
    assert n.word_start(c.index("123"))
    assert n.word_start(c.rindex("fuck"))


def test_phonetic_view_spells_chinese_in_pinyin() -> None:
    n = normalize("加薇信 abc")
    assert n.phonetic == "jiaweixinabc"
    assert normalize("海洛yin").phonetic == normalize("hailuoyin").compact
    assert n.phonetic_unit_start(0) and n.phonetic_unit_start(3)
    assert not n.phonetic_unit_start(1)
    assert n.phonetic_to_compact(3, 6) == (1, 2)
