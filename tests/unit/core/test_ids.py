"""Unified social credit codes (GB 32100-2015)."""

import pytest

from cbec.core.ids import USCC_ALPHABET, complete_uscc, is_valid_uscc, uscc_check_char, uscc_problem

# Published codes of real companies (Alibaba (China), Tencent (Shenzhen), Huawei Technologies).
REAL_CODES = ["91330100716105852F", "9144030071526726XG", "914403001922038216"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None
    assert is_valid_uscc(code)


def test_check_character_of_a_real_code() -> None:
    assert uscc_check_char("91330100716105852") == "F"
    assert uscc_check_char("9144030071526726X") == "G"
    assert uscc_check_char("91440300192203821") == "6"


def test_wrong_check_character_names_the_expected_one() -> None:
    assert uscc_problem("91330100716105852E") == "check character is 'E', expected 'F'"
    assert not is_valid_uscc("91330100716105852E")


def test_wrong_length_is_reported_with_the_length() -> None:
    assert uscc_problem("91330100716105852") == "must be 18 characters, got 17"
    assert uscc_problem("91330100716105852FF") == "must be 18 characters, got 19"
    assert uscc_problem("") == "must be 18 characters, got 0"


@pytest.mark.parametrize(
    "code",
    [
        "91330100716105852I",  # I is not in the alphabet
        "9133010071610585OF",  # nor O
        "91330100716105852f",  # lower case
        "913301A0716105852F",  # the region code must be digits
        "９1330100716105852F",  # full-width digit
    ],
)
def test_characters_outside_the_alphabet_are_rejected(code: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None
    assert "alphabet" in problem


def test_alphabet_leaves_out_the_letters_gb_32100_excludes() -> None:
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_complete_uscc_round_trips(code: str) -> None:
    assert complete_uscc(code[:17]) == code


def test_complete_uscc_gives_a_valid_code_for_a_new_body() -> None:
    code = complete_uscc("91330106MA2AAAAA1")
    assert len(code) == 18
    assert is_valid_uscc(code)


@pytest.mark.parametrize("body", ["9133010071610585", "913301007161058521X", "9133010071610585I"])
def test_check_char_refuses_a_body_that_is_not_17_alphabet_characters(body: str) -> None:
    with pytest.raises(ValueError, match="17-character body"):
        uscc_check_char(body)
