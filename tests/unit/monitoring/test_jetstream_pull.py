"""The worker's lean pull reads a message's stream sequence and store time from its ack subject."""

from __future__ import annotations

import pytest

from cbec.monitoring.streaming.jetstream.pull import ack_position


def test_ack_position_reads_the_v1_layout() -> None:
    # $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>.<pending>
    assert ack_position("$JS.ACK.S.cbec-p0of2.1.4711.12.1764280000123456789.5") == (4711, 1764280000.1234567)


def test_ack_position_reads_the_v2_layout_with_domain_and_account() -> None:
    # $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>.<pending>.<token>
    reply = "$JS.ACK.hub.ACCHASH.S.cbec-p1of2.2.99.7.1764280000500000000.0.abc"
    assert ack_position(reply) == (99, 1764280000.5)


def test_ack_position_refuses_another_subject() -> None:
    with pytest.raises(ValueError, match="not a JetStream ack subject"):
        ack_position("_INBOX.abc.def")
