"""Listing screening: each disguise meets its mark, each hit explains itself, clean titles stay clean."""

from __future__ import annotations

import pytest

from cbec.ip.normalize import fold, pinyin_keys
from cbec.ip.screen import Mark, MarkIndex

MARKS = [
    Mark("M1", "NIKE", "Nike, Inc.", frozenset({"25", "28"}), ("耐克",)),
    Mark("M2", "Apple", "Apple Inc.", frozenset({"9"}), ("苹果",)),
    Mark("M3", "adidas", "adidas AG", frozenset({"25"}), ("阿迪达斯",), frozenset({"91330100MA27XK0Q2B"})),
    Mark("M4", "LEGO", "LEGO Juris A/S", frozenset({"28"}), ("乐高",)),
    Mark("M5", "LOUIS VUITTON", "Louis Vuitton Malletier", frozenset({"18"})),
]
INDEX = MarkIndex.build(MARKS)


@pytest.mark.parametrize("text", ["NIKE", "N1KE", "NlKE", "ＮＩＫＥ", "NІKE", "𝐍𝐈𝐊𝐄", "n i k e"])
def test_look_alike_spellings_fold_to_one_key(text: str) -> None:
    assert fold(text) == fold("NIKE")


def test_chinese_names_meet_by_sound_under_every_reading() -> None:
    assert "naike" in pinyin_keys("奈克") and "naike" in pinyin_keys("耐克")
    assert "legao" in pinyin_keys("勒高")  # 勒 reads le as well as lei


@pytest.mark.parametrize(
    ("title", "mark", "signal"),
    [
        ("N1KE running shoes", "NIKE", "homoglyph"),
        ("NIKEAIR sneakers", "NIKE", "hidden_in_word"),
        ("奈克 运动鞋 男款", "NIKE", "pinyin"),
        ("耐克同款卫衣", "NIKE", "alias"),
        ("adibas football t-shirt", "adidas", "edit"),
        ("LEG0 building blocks", "LEGO", "homoglyph"),
        ("Original LOUSI VUITTON handbag", "LOUIS VUITTON", "edit"),
        ("Apple iPhone 15 phone case", "Apple", "exact"),
    ],
)
def test_a_disguised_brand_is_found_and_says_why(title: str, mark: str, signal: str) -> None:
    hit = INDEX.screen(title)
    assert hit is not None and hit.mark_text == mark and signal in hit.signals, hit
    assert "class_overlap" in hit.signals and 0.6 <= hit.score <= 1.0


@pytest.mark.parametrize(
    "title",
    [
        "Fresh apples 5kg gift box",
        "Plastic building blocks toy",
        "Yoga leggings",
        "苹果汁 1升",
        "bulging bag",
    ],
)
def test_clean_titles_and_brand_words_on_other_goods_are_not_hits(title: str) -> None:
    assert INDEX.screen(title) is None


def test_the_owner_and_a_licensee_may_use_the_mark() -> None:
    assert INDEX.screen("adidas football t-shirt", seller={"91330100MA27XK0Q2B"}) is None
    assert INDEX.screen("adidas football t-shirt", seller={"adidas AG"}) is None
    assert INDEX.screen("adidas football t-shirt", seller={"91330100000000000X"}) is not None


def test_candidates_come_from_the_index_not_a_scan() -> None:
    big = MarkIndex.build(MARKS + [Mark(f"S{i}", f"Zorvex{i:05d}", "x", frozenset({"9"})) for i in range(5_000)])
    assert set(big.candidates("N1KE running shoes")) == {0}  # only NIKE's variant, none of the 5,000 others
