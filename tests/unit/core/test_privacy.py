"""Envelope encryption of personal data: bound to its field, tamper-evident, rotatable; masks for screens."""

from __future__ import annotations

import pytest

from cbec.core.privacy import (
    KeyRing,
    PrivacyError,
    key_id_of,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    rewrap,
    seal,
    unseal,
)

RING = KeyRing.parse(KeyRing.new_key_text("k1"))


def test_a_sealed_value_opens_only_for_its_field_and_never_shows_the_plaintext() -> None:
    token = seal("13812345678", RING, "consumer_phone")
    assert "13812345678" not in token and token.startswith("pd1.k1.")
    assert unseal(token, RING, "consumer_phone") == "13812345678"
    assert seal("13812345678", RING, "consumer_phone") != token  # a fresh data key and nonce every time
    with pytest.raises(PrivacyError, match="does not open"):
        unseal(token, RING, "consumer_name")


def test_an_altered_ciphertext_is_refused() -> None:
    token = seal("张三", RING, "consumer_name")
    head, tail = token.rsplit(".", 1)
    flipped = tail[:-2] + ("A" if tail[-2] != "A" else "B") + tail[-1]
    with pytest.raises(PrivacyError):
        unseal(f"{head}.{flipped}", RING, "consumer_name")


def test_rotation_rewraps_the_data_key_and_the_old_master_key_can_go() -> None:
    token = seal("330102199001011234", RING, "consumer_id_number")
    both = KeyRing.parse(KeyRing.new_key_text("k2") + "," + "k1:" + _key_text(RING))
    moved = rewrap(token, both, "consumer_id_number")
    assert key_id_of(moved) == "k2" and moved.rsplit(".", 1)[1] == token.rsplit(".", 1)[1]  # ciphertext untouched
    only_new = KeyRing((both.keys[0],))
    assert unseal(moved, only_new, "consumer_id_number") == "330102199001011234"
    with pytest.raises(PrivacyError, match="not in the key ring"):
        unseal(token, only_new, "consumer_id_number")


def _key_text(ring: KeyRing) -> str:
    import base64

    return base64.urlsafe_b64encode(ring.keys[0][1]).decode().rstrip("=")


def test_masks_keep_only_what_a_person_needs_to_recognise_the_case() -> None:
    assert mask_name("张三丰") == "张**" and mask_name("John Smith") == "J*** S****"
    assert mask_phone("+86 138-1234-5678") == "861******5678" and mask_phone("13812345678") == "138****5678"
    assert mask_id_number("330102199001011234") == "330***********1234"
    assert mask_address("浙江省杭州市西湖区文三路 100 号") == "浙江省杭州市********"


def test_a_malformed_key_ring_is_refused() -> None:
    with pytest.raises(PrivacyError):
        KeyRing.parse("k1:c2hvcnQ")
    with pytest.raises(PrivacyError):
        KeyRing.parse("")
