"""The complaint classifier: plain complaints land in their category in Chinese, English and mixed text."""

from __future__ import annotations

import pickle

import joblib
import pytest

from cbec.complaints import classifier as service
from cbec.complaints import domain, pipeline
from cbec.complaints.errors import EmptyComplaintError
from cbec.config import Settings

PLAIN = {
    "quality": ("吹风机用了一周就坏了，开关失灵", "The blender stopped working after two uses, the motor is dead"),
    "counterfeit": ("买到假货了，专柜鉴定不是正品", "This is a fake, the brand says the serial number does not exist"),
    "refund_return": (
        "退货寄回去一个月了，商家还不退款",
        "I returned the item three weeks ago and still have no refund",
    ),
    "delivery": ("快递显示已签收，但我根本没收到包裹", "My parcel never arrived, tracking has not updated for a month"),
    "near_expiry": (
        "收到的奶粉还有一个月就过期了，是临期货",
        "The vitamins arrived expired, the best before date has passed",
    ),
    "description_mismatch": (
        "实物与描述不符，颜色和尺码都不对",
        "Not as described: the listing said leather, it is plastic",
    ),
    "privacy": (
        "下单后天天接到骚扰电话，个人信息被泄露了",
        "My personal data was leaked, scammers called me about my order",
    ),
    "payment": ("同一个订单被重复扣款两次", "I was charged twice for the same order on my credit card"),
    "other": (
        "客服态度恶劣，一直不回消息，发票也不给开",
        "Customer service is rude and they refuse to give me an invoice",
    ),
}


@pytest.mark.parametrize("category", domain.CATEGORIES)
def test_plain_complaints_are_classified_in_both_languages(category: str) -> None:
    results = service.classify_texts(list(PLAIN[category]))
    assert [r.category for r in results] == [category, category]
    assert all(r.confidence >= service.DEFAULT_THRESHOLD and not r.needs_review for r in results)


def test_mixed_chinese_and_english_text_is_classified() -> None:
    results = service.classify_texts(["买的 serum 是 fake，不是正品", "tracking 一直不动，包裹 lost 了"])
    assert [r.category for r in results] == ["counterfeit", "delivery"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t　"])
def test_empty_or_whitespace_text_is_refused(text: str) -> None:
    with pytest.raises(EmptyComplaintError, match="empty complaint text"):
        service.classify_texts(["快递丢了", text])


def test_confidence_is_a_probability_and_results_are_deterministic() -> None:
    texts = [t for pair in PLAIN.values() for t in pair] + ["hello", "？？？"]
    first = service.classify_texts(texts)
    assert all(0.0 <= r.confidence <= 1.0 for r in first)
    retrained = pipeline.train(service.read_labelled(), lexicon=service.load_lexicon())
    again = pipeline.predict(retrained, texts, threshold=service.DEFAULT_THRESHOLD)
    assert [(r.category, r.confidence) for r in first] == [(p.category, p.confidence) for p in again]


def test_low_confidence_falls_back_to_other_for_review() -> None:
    [result] = service.classify_texts(["收到了"], threshold=0.99)
    assert result.category == "other" and result.needs_review
    assert result.predicted in domain.CATEGORIES and result.confidence < 0.99


def test_a_person_can_override_the_category() -> None:
    [result] = service.classify_texts(["I was charged twice"])
    corrected = service.override(result, category="refund_return", actor="reviewer-1")
    assert (corrected.category, corrected.source, corrected.decided_by) == (
        "refund_return",
        "human",
        "reviewer-1",
    )
    assert corrected.confidence == 1.0 and corrected.predicted == result.predicted == "payment"


def test_model_is_cached_under_models_dir_by_data_hash(sqlite_settings: Settings) -> None:
    service._MEMORY.clear()
    service.classify_texts(["假货"], settings=sqlite_settings)
    [cached] = sqlite_settings.models_dir.glob("complaint-classifier-*.joblib")
    assert service.training_digest()[:16] in cached.name
    service._MEMORY.clear()
    [result] = service.classify_texts(["假货"], settings=sqlite_settings)
    assert result.category == "counterfeit" and result.model_version == service.training_digest()[:12]


def test_labelled_set_is_balanced_and_bilingual() -> None:
    rows = service.read_labelled()
    for language in ("zh", "en"):
        counts = {c: sum(r.category == c and r.language == language for r in rows) for c in domain.CATEGORIES}
        assert min(counts.values()) >= 30, counts
    assert len({r.text for r in rows}) == len(rows)


# What a format-1 cache file begins with: the pipeline's keyword prior pickled under cbec.complaints.domain,
# where the class no longer is.
MOVED_CLASS_PICKLE = b"\x80\x02ccbec.complaints.domain\nKeywordPrior\n."


def test_a_cache_file_naming_a_moved_class_cannot_be_read_as_it_is() -> None:
    with pytest.raises(AttributeError, match="KeywordPrior"):
        pickle.loads(MOVED_CLASS_PICKLE)


def test_an_older_cache_format_is_never_read_and_the_model_is_trained_again(sqlite_settings: Settings) -> None:
    current = service.cache_path(sqlite_settings.models_dir, service.training_digest())
    older = current.with_name(current.name.replace(f"-f{service.CACHE_FORMAT}.joblib", ".joblib"))  # format 1
    older.parent.mkdir(parents=True, exist_ok=True)
    older.write_bytes(MOVED_CLASS_PICKLE)
    service._MEMORY.clear()
    [result] = service.classify_texts(["假货"], settings=sqlite_settings)
    assert result.category == "counterfeit"
    assert isinstance(joblib.load(current), service.TrainedModel)
    assert older.read_bytes() == MOVED_CLASS_PICKLE


def test_an_unreadable_cache_file_is_trained_again_and_replaced(sqlite_settings: Settings) -> None:
    current = service.cache_path(sqlite_settings.models_dir, service.training_digest())
    current.parent.mkdir(parents=True, exist_ok=True)
    current.write_bytes(MOVED_CLASS_PICKLE)
    service._MEMORY.clear()
    [result] = service.classify_texts(["假货"], settings=sqlite_settings)
    assert result.category == "counterfeit" and result.model_version == service.training_digest()[:12]
    replaced = joblib.load(current)
    assert isinstance(replaced, service.TrainedModel)
    assert type(replaced.pipeline.named_steps["features"].transformer_list[2][1]) is pipeline.KeywordPrior
