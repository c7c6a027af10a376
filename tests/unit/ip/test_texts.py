"""Copied descriptions: character shingles that work for Chinese, MinHash LSH candidates, exact Jaccard decides."""

from __future__ import annotations

from cbec.ip.texts import COPY_JACCARD, MIN_SHINGLES, TextIndex, fold_text, shingles

THERMOS = "这款不锈钢保温杯采用双层真空结构，保温保冷长达十二小时，杯身轻巧便于携带，适合办公室、户外和旅行使用。"


def test_folding_drops_spaces_punctuation_and_width_so_the_same_shingles_come_out() -> None:
    assert fold_text("保温杯， 采用 双层！ＡＢＣ") == "保温杯采用双层abc"
    assert shingles("保温 杯采用") == frozenset({"保温杯", "温杯采", "杯采用"})
    assert shingles("ab") == frozenset({"ab"}) and shingles("，。") == frozenset()


def test_an_edited_copy_is_found_with_its_similarity_and_an_unrelated_text_is_not() -> None:
    index = TextIndex()
    assert index.add("W1", THERMOS)
    assert not index.add("W-short", "保温杯")  # too short to judge copies by
    edited = THERMOS.replace("十二", "12").replace("便于", "方便").replace("，", ", ")
    match = index.search(edited)
    assert match is not None and match.key == "W1" and match.how == "similar"
    assert COPY_JACCARD <= match.jaccard < 1 and match.shared >= MIN_SHINGLES
    assert index.search("全新蓝牙耳机，降噪效果出色，续航时间长，佩戴舒适，适合运动和通勤使用。") is None
    assert index.search("保温杯") is None


def test_a_copy_padded_with_the_sellers_own_sentences_is_found_by_containment() -> None:
    index = TextIndex()
    index.add("W1", THERMOS)
    padded = (
        "店铺热卖，品质保证，假一赔十，全国包邮，支持七天无理由退换货，欢迎咨询客服。"
        + THERMOS
        + "下单即送杯刷与杯套，多买多送，限时优惠，先到先得，欢迎收藏本店，关注有礼，更多新品每周上架。"
    )
    match = index.search(padded)
    assert match is not None and match.key == "W1" and match.how == "contained"
    assert match.jaccard < COPY_JACCARD and match.containment == 1.0
