"""What routes share: a missing row answered as not visible, a step request turned into a service's keywords."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from cbec.api.deps import step_args, visible
from cbec.auth.domain import INSTITUTION, NotVisible, Principal


class Step(BaseModel):
    action: str
    reason: str


def test_a_found_row_is_returned_and_a_missing_one_is_not_visible() -> None:
    assert visible(0, "no row 0") == 0
    with pytest.raises(NotVisible, match="no notice 7 / 通知 7 不存在"):
        visible(None, "no notice 7 / 通知 7 不存在")


def test_a_step_is_taken_by_the_authenticated_user_in_their_own_view() -> None:
    principal = Principal(username="pi-clerk", role=INSTITUTION, tenant_id="PI-HZ-001")
    args = step_args(Step(action="acknowledge", reason="seen"), principal)
    assert args == {"action": "acknowledge", "actor": "pi-clerk", "reason": "seen", "principal": principal}
