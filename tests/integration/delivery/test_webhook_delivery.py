"""Notices reach the institution's webhook through the outbox: signed, retried with backoff, dead-lettered, logged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.config import Settings
from cbec.core.privacy import KeyRing
from cbec.delivery import service as delivery
from cbec.delivery.domain import verify_signature
from cbec.delivery.models import WebhookDelivery, WebhookEndpoint
from cbec.storage.engine import transaction
from cbec.storage.store import Store, open_store
from cbec.supervision import notices
from cbec.supervision import service as supervision
from cbec.supervision.config import shipped_config

from .receiver import receiver

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
REGULATOR = Principal(username="regulator", role="regulator-analyst")
PI_A = Principal(username="pi-a", role="institution", tenant_id="PI-A")
PI_B = Principal(username="pi-b", role="institution", tenant_id="PI-B")
NO_JITTER = {"spread": lambda: 0.0}


@pytest.fixture
def hooks(settings: Settings) -> Iterator[Store]:
    """A store whose webhooks may call loopback (the receiver), retrying after 10 s and 60 s (3 attempts)."""
    local = settings.model_copy(update={"webhook_allow_private_targets": True, "webhook_retry_seconds": [10, 60]})
    opened = open_store(local)
    yield opened
    opened.close()


def _register(store: Store, url: str, principal: Principal = PI_A) -> delivery.EndpointCreated:
    data = delivery.EndpointCreate(tenant_id=principal.tenant_id or "PI-A", url=url)
    return delivery.register_endpoint(store=store, data=data, principal=principal, now=NOW)


def _issue(store: Store, institution: str, body: str = "三单对碰一致率偏低，请整改") -> supervision.NoticeRead:
    data = supervision.NoticeCreate(kind="rectification", institution_id=institution, title="整改通知", body=body)
    return supervision.issue_notice(store=store, data=data, actor="regulator", now=NOW)


def test_a_notice_is_delivered_with_a_valid_signature_after_the_receiver_failed_once(hooks: Store) -> None:
    with receiver([500, 200]) as site:
        endpoint = _register(hooks, site.url)
        notice = _issue(hooks, "PI-A")
        _issue(hooks, "PI-B")  # no endpoint: on its portal only, nothing queued
        [queued] = delivery.list_deliveries(store=hooks, principal=REGULATOR)
        assert (queued.state, queued.event_type, queued.subject) == (
            "pending",
            "notice.rectification.issued",
            f"notice:{notice.id}",
        )

        first = delivery.deliver_due(store=hooks, now=NOW, **NO_JITTER)
        assert first.model_dump() == {"attempted": 1, "delivered": 0, "retrying": 1, "dead": 0}
        waiting = delivery.get_delivery(store=hooks, delivery_id=queued.id, principal=PI_A)
        assert waiting.next_attempt_at == NOW + timedelta(seconds=10) and waiting.last_error == "HTTP 500"
        assert delivery.deliver_due(store=hooks, now=NOW + timedelta(seconds=9), **NO_JITTER).attempted == 0
        second = delivery.deliver_due(store=hooks, now=NOW + timedelta(seconds=10), **NO_JITTER)
        assert second.model_dump() == {"attempted": 1, "delivered": 1, "retrying": 0, "dead": 0}

    assert [r.path for r in site.received] == ["/hooks/cbec", "/hooks/cbec"]
    failed, accepted = site.received
    assert failed.body == accepted.body  # the same bytes every time, fixed when queued
    assert failed.headers["X-CBEC-Event-Id"] == accepted.headers["X-CBEC-Event-Id"] == queued.event_id
    assert (failed.headers["X-CBEC-Attempt"], accepted.headers["X-CBEC-Attempt"]) == ("1", "2")
    sent_at = int((NOW + timedelta(seconds=10)).timestamp())
    assert accepted.headers["X-CBEC-Timestamp"] == str(sent_at)
    verify_signature(
        endpoint.secret,
        accepted.headers["X-CBEC-Timestamp"],
        accepted.body,
        accepted.headers["X-CBEC-Signature"],
        now=sent_at + 2,
    )
    event = json.loads(accepted.body)
    assert event["id"] == queued.event_id and event["type"] == "notice.rectification.issued"
    assert event["data"]["notice_id"] == notice.id and event["data"]["institution_id"] == "PI-A"
    assert (
        event["data"]["body"] == "三单对碰一致率偏低，请整改"
        and event["data"]["portal_path"] == f"/notices/{notice.id}"
    )

    done = delivery.get_delivery(store=hooks, delivery_id=queued.id, principal=REGULATOR)
    second_at = NOW + timedelta(seconds=10)
    assert (done.state, done.attempts, done.delivered_at, done.next_attempt_at) == ("delivered", 2, second_at, None)
    assert [(a.number, a.status_code, a.error) for a in done.log] == [(1, 500, "HTTP 500"), (2, 200, None)]
    assert all(a.duration_ms >= 0 for a in done.log)
    actions = [e.action for e in audit.list_entries(store=hooks, entity="webhook_delivery")]
    assert actions == ["webhook.delivered"]
    [registered] = audit.list_entries(store=hooks, entity="webhook_endpoint")
    assert registered.action == "webhook.register" and registered.actor == "pi-a"


def test_the_secret_is_sealed_at_rest_and_shown_only_once(hooks: Store) -> None:
    created = _register(hooks, "http://127.0.0.1:9/hook")
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    with hooks.factory() as session:
        sealed = session.scalar(select(WebhookEndpoint.secret_sealed))
    assert sealed is not None and sealed.startswith("pd1.") and created.secret not in sealed
    [listed] = delivery.list_endpoints(store=hooks, principal=PI_A)
    assert "secret" not in listed.model_dump()


def test_after_the_last_attempt_a_delivery_is_a_dead_letter_until_a_regulator_requeues_it(hooks: Store) -> None:
    with receiver([500, 503, 500, 204]) as site:
        _register(hooks, site.url)
        _issue(hooks, "PI-A")
        for seconds in (0, 10, 70):
            delivery.deliver_due(store=hooks, now=NOW + timedelta(seconds=seconds), **NO_JITTER)
        [dead] = delivery.list_deliveries(store=hooks, principal=PI_A, state="dead")
        assert (dead.attempts, dead.last_error, dead.next_attempt_at) == (3, "HTTP 500", None)
        assert delivery.deliver_due(store=hooks, now=NOW + timedelta(days=1), **NO_JITTER).attempted == 0

        with pytest.raises(Forbidden):
            delivery.requeue_delivery(store=hooks, delivery_id=dead.id, principal=PI_A)
        later = NOW + timedelta(hours=2)
        requeued = delivery.requeue_delivery(store=hooks, delivery_id=dead.id, principal=REGULATOR, now=later)
        assert (requeued.state, requeued.attempts, requeued.next_attempt_at) == ("pending", 0, later)
        with pytest.raises(ValueError, match="only a dead letter"):
            delivery.requeue_delivery(store=hooks, delivery_id=dead.id, principal=REGULATOR, now=later)
        assert delivery.deliver_due(store=hooks, now=later, **NO_JITTER).delivered == 1

    assert len(site.received) == 4
    shown = delivery.get_delivery(store=hooks, delivery_id=dead.id, principal=REGULATOR)
    assert [(a.number, a.status_code) for a in shown.log] == [(1, 500), (2, 503), (3, 500), (4, 204)]
    actions = [e.action for e in reversed(audit.list_entries(store=hooks, entity="webhook_delivery"))]
    assert actions == ["webhook.dead", "webhook.requeue", "webhook.delivered"]


def test_an_unreachable_receiver_is_logged_as_an_error_without_a_status(hooks: Store) -> None:
    with receiver([200]) as site:
        url = site.url  # the port is closed again once the receiver stops
    _register(hooks, url)
    _issue(hooks, "PI-A")
    run = delivery.deliver_due(store=hooks, now=NOW, **NO_JITTER)
    assert run.retrying == 1
    [row] = delivery.list_deliveries(store=hooks, principal=REGULATOR)
    [attempt] = delivery.get_delivery(store=hooks, delivery_id=row.id, principal=REGULATOR).log
    assert attempt.status_code is None and attempt.error is not None and attempt.error.startswith("ConnectError")


def test_the_outbox_row_commits_or_rolls_back_with_its_notice(hooks: Store) -> None:
    _register(hooks, "http://127.0.0.1:9/hook")
    data = supervision.NoticeCreate(kind="warning", institution_id="PI-A", title="风险预警", body="评级 D")
    config = shipped_config().notices
    with pytest.raises(RuntimeError), transaction(hooks.factory) as session:
        notices.issue(session, data, actor="regulator", now=NOW, calendar=hooks.calendar(), config=config)
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
        raise RuntimeError("the issuing transaction fails after the notice was written")
    assert delivery.list_deliveries(store=hooks, principal=REGULATOR) == []
    assert supervision.list_notices(store=hooks) == []


def test_an_event_is_queued_once_per_active_endpoint_of_a_known_tenant_column(hooks: Store) -> None:
    _register(hooks, "http://127.0.0.1:9/one")
    _register(hooks, "http://127.0.0.1:9/two")

    def queue(session: Session, column: str) -> int:
        return delivery.queue_event(
            session,
            tenant_column=column,
            tenant_id="PI-A",
            event_type="notice.warning.issued",
            subject="notice:1",
            data={},
            now=NOW,
        )

    with transaction(hooks.factory) as session:
        assert queue(session, "institution_id") == 2
        assert queue(session, "enterprise_id") == 0
        with pytest.raises(ValueError, match="unknown tenant column 'bank_id'"):
            queue(session, "bank_id")
    assert len(delivery.list_deliveries(store=hooks, principal=REGULATOR)) == 2


def test_a_disabled_endpoint_gets_nothing_new_and_its_queue_turns_dead(hooks: Store) -> None:
    endpoint = _register(hooks, "http://127.0.0.1:9/hook")
    _issue(hooks, "PI-A")
    with pytest.raises(NotVisible):
        delivery.disable_endpoint(store=hooks, endpoint_id=endpoint.id, principal=PI_B)
    off = delivery.disable_endpoint(store=hooks, endpoint_id=endpoint.id, principal=PI_A, now=NOW)
    assert not off.active and off.disabled_at == NOW
    _issue(hooks, "PI-A")
    run = delivery.deliver_due(store=hooks, now=NOW, **NO_JITTER)
    assert run.attempted == 0
    [dead] = delivery.list_deliveries(store=hooks, principal=REGULATOR)
    assert dead.state == "dead" and dead.last_error is not None and "disabled" in dead.last_error
    with pytest.raises(ValueError, match="disabled"):
        delivery.requeue_delivery(store=hooks, delivery_id=dead.id, principal=REGULATOR)


def test_each_tenant_manages_only_its_own_endpoints(hooks: Store) -> None:
    mine = _register(hooks, "http://127.0.0.1:9/a", PI_A)
    _register(hooks, "http://127.0.0.1:9/b", PI_B)
    with pytest.raises(Forbidden):
        delivery.register_endpoint(
            store=hooks, data=delivery.EndpointCreate(tenant_id="PI-B", url="http://127.0.0.1:9/x"), principal=PI_A
        )
    with pytest.raises(Forbidden):
        _register(hooks, "http://127.0.0.1:9/x", Principal(username="aud", role="auditor"))
    assert [e.url for e in delivery.list_endpoints(store=hooks, principal=PI_A)] == ["http://127.0.0.1:9/a"]
    assert {e.tenant_id for e in delivery.list_endpoints(store=hooks, principal=REGULATOR)} == {"PI-A", "PI-B"}
    _issue(hooks, "PI-B")
    assert delivery.list_deliveries(store=hooks, principal=PI_A) == []
    [theirs] = delivery.list_deliveries(store=hooks, principal=PI_B)
    with pytest.raises(NotVisible):
        delivery.get_delivery(store=hooks, delivery_id=theirs.id, principal=PI_A)
    assert mine.tenant_id == "PI-A"


def test_loopback_and_private_targets_are_refused_by_default(store: Store) -> None:
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data"):
        with pytest.raises(delivery.TargetRefused, match="non-public"):
            _register(store, url)
    with pytest.raises(delivery.TargetRefused, match="http"):
        _register(store, "gopher://example.com/hook")
    assert delivery.list_endpoints(store=store, principal=REGULATOR) == []


def test_a_body_over_the_limit_is_a_dead_letter_at_once(settings: Settings) -> None:
    small = settings.model_copy(update={"webhook_allow_private_targets": True, "webhook_max_body_bytes": 1024})
    store = open_store(small)
    try:
        _register(store, "http://127.0.0.1:9/hook")
        _issue(store, "PI-A", body="很长的正文" * 200)
        run = delivery.deliver_due(store=store, now=NOW, **NO_JITTER)
        assert run.model_dump() == {"attempted": 1, "delivered": 0, "retrying": 0, "dead": 1}
        [dead] = delivery.list_deliveries(store=store, principal=REGULATOR, state="dead")
        assert dead.last_error is not None and "exceeds 1024" in dead.last_error
    finally:
        store.close()


def test_a_secret_that_no_longer_opens_is_a_logged_failure_not_a_stopped_worker(hooks: Store) -> None:
    _register(hooks, "http://127.0.0.1:9/hook")
    _issue(hooks, "PI-A")
    rotated = hooks.settings.model_copy(update={"webhook_keys": SecretStr(KeyRing.new_key_text("w9"))})
    elsewhere = open_store(rotated)  # the same database, a key ring without the key that sealed the secret
    try:
        run = delivery.deliver_due(store=elsewhere, now=NOW, **NO_JITTER)
    finally:
        elsewhere.close()
    assert run.model_dump() == {"attempted": 1, "delivered": 0, "retrying": 1, "dead": 0}
    [row] = delivery.list_deliveries(store=hooks, principal=REGULATOR)
    assert row.last_error is not None and row.last_error.startswith("the secret does not open")


def test_the_settings_warn_about_a_webhook_key_beside_the_data_and_private_targets(hooks: Store) -> None:
    warnings = " ".join(hooks.settings.security_warnings())
    assert "CBEC_WEBHOOK_KEYS" in warnings and "CBEC_WEBHOOK_ALLOW_PRIVATE_TARGETS is on" in warnings


def test_the_worker_loop_delivers_what_is_due_now_and_then_waits(hooks: Store) -> None:
    with receiver([202]) as site:
        _register(hooks, site.url)
        supervision.issue_notice(
            store=hooks,
            data=supervision.NoticeCreate(kind="warning", institution_id="PI-A", title="风险预警", body="评级 E"),
            actor="regulator",
        )
        total = delivery.deliver_forever(store=hooks, poll_seconds=0.01, passes=2)
    assert total.model_dump() == {"attempted": 1, "delivered": 1, "retrying": 0, "dead": 0}
    assert len(site.received) == 1


def test_a_named_target_is_called_at_the_address_checked_with_its_name_as_host(hooks: Store) -> None:
    with receiver([200]) as site:
        named = site.url.replace("127.0.0.1", "localhost")
        _register(hooks, named)
        _issue(hooks, "PI-A")
        assert delivery.deliver_due(store=hooks, now=NOW, **NO_JITTER).delivered == 1
    [request] = site.received
    assert request.headers["Host"] == named.split("/")[2]  # localhost:<port>
