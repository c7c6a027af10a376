"""Reads on an autocommit connection, and reads nested in them sharing it (one pool checkout for a page)."""

from __future__ import annotations

from sqlalchemy import event, text

from cbec.config import Settings
from cbec.storage.store import Store, open_store


def _checkouts(store: Store) -> list[object]:
    seen: list[object] = []
    event.listen(store.engine.pool, "checkout", lambda dbapi, record, proxy: seen.append(dbapi))
    return seen


def test_a_reading_inside_a_reading_shares_its_session_and_a_new_one_after_it_gets_its_own(store: Store) -> None:
    checkouts = _checkouts(store)
    with store.reading() as outer:
        with store.reading() as inner:
            assert inner is outer
            assert inner.connection().execute(text("SELECT 1")).scalar_one() == 1
        # the inner one's end does not close the outer one's
        assert outer.connection().execute(text("SELECT 2")).scalar_one() == 2
    assert len(checkouts) == 1
    with store.reading() as later:
        assert later is not outer
    assert len(checkouts) == 2


def test_a_reading_of_another_store_is_its_own(store: Store, settings: Settings) -> None:
    other = open_store(settings, migrate=False)
    try:
        with store.reading() as mine, other.reading() as theirs:
            assert theirs is not mine
            assert theirs.get_bind().engine is other.engine
    finally:
        other.close()


def test_a_reading_that_fails_inside_leaves_the_next_one_fresh(store: Store) -> None:
    try:
        with store.reading() as failed:
            raise RuntimeError("a read failed")
    except RuntimeError:
        pass
    with store.reading() as fresh:
        assert fresh is not failed
        assert fresh.connection().execute(text("SELECT 3")).scalar_one() == 3
