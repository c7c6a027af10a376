"""A chunk of payments as integer-coded numpy columns, and the run context the generators share."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth.month import Month, cumulative
from cbec.synth.registers import Registers

# Country and currency code tables; payments hold indices into them.
COUNTRIES: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "CN",
            *cal.EXPORT_MARKETS,
            *(o for p in cat.PRODUCTS for o in p.origins),
            *cal.HIGH_RISK_COUNTRIES,
            *cal.OFFSHORE_COUNTRIES,
        )
    )
)
COUNTRY = {code: i for i, code in enumerate(COUNTRIES)}
CURRENCY = {code: i for i, code in enumerate(cal.CURRENCIES)}
CHANNEL = {name: i for i, name in enumerate(cal.CHANNELS)}
SEGMENT = {s.name: i for i, s in enumerate(cal.SEGMENTS)}
PATTERN_NAMES: tuple[str, ...] = tuple(cal.PATTERNS)
PATTERN = {name: i for i, name in enumerate(PATTERN_NAMES)}
DIRECTIONS = ("inbound", "outbound", "domestic")
INBOUND, OUTBOUND, DOMESTIC = 0, 1, 2
PARTY_TYPES = ("individual", "enterprise")
INDIVIDUAL, ENTERPRISE = 0, 1
NO_MISMATCH, ORDER_MISMATCH, DECLARATION_MISMATCH = 0, 1, 2

# Account index spaces; ids are scrambled 40-bit codes, so the spaces never show in the text.
ENTERPRISE_ACCOUNTS = 0  # enterprise * 16 + institution
FOREIGN_BUYERS = 1 << 32
B2B_BUYERS = (1 << 32) + (1 << 31)
CN_CONSUMERS = 2 << 32
FOREIGN_SELLERS = 3 << 32
ANOMALY_ACCOUNTS = 8 << 32  # + chunk << 24 + serial


def enterprise_account(enterprise: npt.NDArray[np.int64], institution: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the account index of enterprises at institutions."""
    return ENTERPRISE_ACCOUNTS + enterprise * 16 + institution


def personal_account(person: npt.NDArray[np.int64], institution: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the account index of people (or overseas shops) at institutions: one account per pair."""
    return person * 16 + institution


def fx_micro() -> npt.NDArray[np.int64]:
    """Return CNY per currency unit in millionths, by currency index."""
    return np.array([int(cal.FX_CNY_PER_UNIT[c] * 1_000_000) for c in cal.CURRENCIES], dtype=np.int64)


def institution_cdfs() -> dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
    """Return, per channel index, the institutions serving it and their cumulative weights."""
    out = {}
    for name, ch in CHANNEL.items():
        serving = [
            (i, inst.channel_weights[name]) for i, inst in enumerate(cal.INSTITUTIONS) if name in inst.channel_weights
        ]
        out[ch] = (np.array([i for i, _ in serving], dtype=np.int64), cumulative([w for _, w in serving]))
    return out


@dataclass(frozen=True)
class Context:
    """What every chunk generator needs: the run's size, month, registers and keys."""

    seed: int
    payments: int
    month: Month
    registers: Registers
    keys: dict[str, int]  # id kind -> scramble key
    high_risk: tuple[str, ...]

    @property
    def buyer_population(self) -> int:
        """Return how many distinct retail buyers abroad the run draws from."""
        return max(500, self.payments // 2)

    @property
    def consumer_population(self) -> int:
        """Return how many distinct consumers in China the run draws from."""
        return max(300, self.payments // 3)

    @property
    def business_population(self) -> int:
        """Return how many distinct business buyers and overseas sellers the run draws from."""
        return max(50, self.payments // 200)


@dataclass
class PaymentCore:
    """Integer-coded payment rows plus what their orders need; one numpy array per field."""

    segment: npt.NDArray[np.int64]  # index into SEGMENTS, -1 for rows without an order
    direction: npt.NDArray[np.int64]
    channel: npt.NDArray[np.int64]
    institution: npt.NDArray[np.int64]
    payer: npt.NDArray[np.int64]
    payee: npt.NDArray[np.int64]
    payer_type: npt.NDArray[np.int64]
    payee_type: npt.NDArray[np.int64]
    payer_country: npt.NDArray[np.int64]
    payee_country: npt.NDArray[np.int64]
    enterprise: npt.NDArray[np.int64]  # -1 when none
    amount: npt.NDArray[np.int64]  # hundredths of the currency unit
    currency: npt.NDArray[np.int64]
    initiated: npt.NDArray[np.int64]  # Beijing wall-clock seconds
    settle: npt.NDArray[np.int64]  # seconds to confirmation, -1 when unconfirmed
    status: npt.NDArray[np.int64]
    buyer: npt.NDArray[np.int64]  # buyer index for orders, -1 when none
    order_ref: npt.NDArray[np.bool_]  # order_id is filled in
    has_order: npt.NDArray[np.bool_]  # an order row exists
    has_docs: npt.NDArray[np.bool_]  # a waybill and a declaration exist
    platform: npt.NDArray[np.int64]
    product: npt.NDArray[np.int64]
    pattern: npt.NDArray[np.int64]  # index into PATTERN_NAMES, -1 when normal
    mismatch: npt.NDArray[np.int64]  # NO_MISMATCH, ORDER_MISMATCH or DECLARATION_MISMATCH

    def __len__(self) -> int:
        return len(self.amount)

    def take(self, index: npt.NDArray[Any]) -> PaymentCore:
        """Return the rows at index (or where a boolean mask is set)."""
        return replace(self, **{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def empty(cls, n: int) -> PaymentCore:
        """Return n rows with neutral values, to be filled in by a generator."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("order_ref", "has_order", "has_docs"):
                values[f.name] = np.zeros(n, dtype=np.bool_)
            elif f.name in ("segment", "enterprise", "buyer", "pattern", "settle"):
                values[f.name] = np.full(n, -1, dtype=np.int64)
            else:
                values[f.name] = np.zeros(n, dtype=np.int64)
        return cls(**values)

    @classmethod
    def concat(cls, parts: list[PaymentCore]) -> PaymentCore:
        """Return the rows of all parts, in order."""
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})
