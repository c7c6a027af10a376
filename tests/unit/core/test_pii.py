"""Personal data typed into free text is found by shape and checksum, and masked like the dedicated fields."""

from __future__ import annotations

import pytest

from cbec.core.pii import find_personal, id_number_valid, luhn_valid, mask_personal

ID_OK = "11010519491231002X"  # GB 11643's example: check character X
CARD_OK = "6222021234567890128"  # 19 digits, Luhn-valid


def test_the_issues_complaint_text_is_masked() -> None:
    text = f"客服不理我，电话13812345678，身份证{ID_OK}，退款打到卡{CARD_OK}，邮箱 li.si@example.cn"
    masked, found = mask_personal(text)
    assert (
        masked
        == "客服不理我，电话138****5678，身份证110***********002X，退款打到卡622202*********0128，邮箱 l***@example.cn"
    )
    assert [f.kind for f in found] == ["mobile", "id_number", "bank_card", "email"]
    assert [f.value for f in found] == ["13812345678", ID_OK, CARD_OK, "li.si@example.cn"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+86 138-1234-5678", "138****5678"),
        ("86 13912345678", "139****5678"),
        ("call 139 1234 5678 now", "call 139****5678 now"),
        ("6222 0212 3456 7890 128", "622202*********0128"),
        ("4111-1111-1111-1111", "411111******1111"),
        ("id 110105194912310021x", "id 110105194912310021x"),  # 21 characters: no ID number
    ],
)
def test_separators_and_prefixes(text: str, masked: str) -> None:
    assert mask_personal(text)[0] == masked


@pytest.mark.parametrize(
    "text",
    [
        "订单号 202610120001234 金额 1999.00 元",  # 15 digits, fails Luhn
        "物流单号 SF1234567890123",  # letters before the digits
        "110105194912310021",  # 18 digits, wrong check character
        "110105194913310028",  # month 13
        "12812345678",  # 12x is no mobile prefix
        "138123456789",  # 12 digits: not a mobile
        "4111111111111112",  # Luhn fails
    ],
)
def test_numbers_that_are_not_personal_data_stay(text: str) -> None:
    assert find_personal(text) == []
    assert mask_personal(text)[0] == text


def test_checksums() -> None:
    assert id_number_valid(ID_OK) and id_number_valid(ID_OK.lower())
    assert not id_number_valid("110105194912310021")
    assert luhn_valid(CARD_OK) and not luhn_valid("6222021234567890123")
