"""Personal columns of a feed (e.g. a complaint's consumer_id) are stored in the lake as keyed pseudonyms.

`ph1:` + the first 32 hex digits of SHA-256(key ‖ value): the same person gets the same token in every load,
so loads stay idempotent and rows can still be counted per person, but the lake holds no identifier that a
reader without the key can trace back. The key comes from CBEC_PSEUDONYM_KEY, else a file under the home
(mode 0600) written on first use. Changing the key changes every token: keep it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

import duckdb

from cbec.config import Settings
from cbec.feeds.spec import FeedSpec
from cbec.storage.files import create_exclusive

PREFIX = "ph1:"
KEY_FILE = "pseudonym-key"


def pseudonym_key(settings: Settings) -> str:
    """Return the pseudonymisation key: from settings, else from (or newly written to) the home's key folder."""
    if settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value()
    path = settings.keys_dir / KEY_FILE
    if not path.exists():
        settings.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside and linked into place: a load killed here leaves no key or a whole one, never an empty
        # file that would silently key every later pseudonym with "". Another load may win the race: fine.
        create_exclusive(path, (secrets.token_hex(32) + "\n").encode("ascii"))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ValueError(f"pseudonym key file {path} is empty or too short; restore it from the backup")
    return key


def pseudonymise(con: duckdb.DuckDBPyConnection, spec: FeedSpec, settings: Settings) -> None:
    """Replace the personal columns of the good rows in DuckDB's `checked` table by their keyed tokens."""
    personal = [c.name for c in spec.columns if c.personal]
    if not personal:
        return
    key = pseudonym_key(settings)
    for name in personal:
        column = '"' + name.replace('"', '""') + '"'
        con.execute(
            f"UPDATE checked SET {column} = ? || substr(sha256(? || {column}), 1, 32) "
            f"WHERE {column} IS NOT NULL AND _errors = ''",
            [PREFIX, key],
        )


def token(key: str, value: str) -> str:
    """Return the keyed pseudonym of one value, exactly as `pseudonymise` writes it to the lake."""
    return PREFIX + hashlib.sha256((key + value).encode("utf-8", "surrogatepass")).hexdigest()[:32]


WITHHELD = (
    "(withheld: this row of a feed with personal data could not be read into columns; "
    "see the source file at this line / 含个人信息的数据行无法解析，原文不予保存，请查看源文件该行)"
)


@dataclass(frozen=True)
class PersonalGuard:
    """What quarantine keeps of a bad row of a feed with personal columns: no identifier as given.

    The row is kept as its columns with each personal value replaced by its keyed pseudonym (the token the lake
    would hold), a row that could not be read into columns is withheld, and the duplicate check uses a keyed
    digest (a plain SHA-256 of a short row could be reversed by trying identifiers).
    """

    columns: frozenset[str]
    key: str

    @classmethod
    def of(cls, spec: FeedSpec, settings: Settings) -> PersonalGuard | None:
        """Return the guard of a feed with personal columns, else None."""
        personal = frozenset(c.name for c in spec.columns if c.personal)
        return cls(personal, pseudonym_key(settings)) if personal else None

    def value(self, column: str | None, value: str | None) -> str | None:
        """Return a column's value as quarantine may keep it."""
        if value is None or column not in self.columns:
            return value
        return token(self.key, str(value))

    def row(self, values: dict[str, Any] | None) -> str:
        """Return the kept text of a row: its columns as JSON, personal ones pseudonymised; withheld unread."""
        if values is None:
            return WITHHELD
        kept = {k: self.value(k, None if v is None else str(v)) for k, v in values.items()}
        return json.dumps(kept, ensure_ascii=False)

    def digest(self, raw: str) -> str:
        """Return the keyed digest of a row's original text (for recognising a row loaded again)."""
        return hmac.new(self.key.encode(), raw.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
