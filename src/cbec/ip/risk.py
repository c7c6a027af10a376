"""Score an enterprise's IP risk across R&D, sourcing and sales, each part with its reasons (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass

RULE_VERSION = "1"
WEIGHTS = {"rd": 0.3, "sourcing": 0.3, "sales": 0.4}
NO_OWN_RIGHT = 30  # selling with no mark or patent of its own
PER_UNCOVERED_CLASS = 25  # each Nice class it was found infringing in without an own or licensed mark there
PER_OWN_BORDER_FLAG = 20
PER_SUPPLIER_FINDING = 10
PER_TAKEDOWN = 10
PER_COPY_FINDING = 10


@dataclass(frozen=True, slots=True)
class IpRiskInputs:
    """What the IP context holds about one enterprise; gathered by the service, scored here."""

    enterprise_id: str
    listings: int = 0
    findings: int = 0  # trademark findings on its listings
    hit_classes: frozenset[str] = frozenset()  # Nice classes of the marks those findings hit
    own_classes: frozenset[str] = frozenset()  # Nice classes of marks it owns or holds a licence for
    own_patents: int = 0  # patents and designs in force that it owns
    takedowns: int = 0
    copy_findings: int = 0  # its listings copying a registered design or work
    border_flags: int = 0  # its declarations carrying a recorded right it does not hold
    suppliers: tuple[str, ...] = ()  # parties it sources from (declarants for its orders, brand owners)
    supplier_findings: int = 0  # border flags, copy and trademark findings against those parties


@dataclass(frozen=True, slots=True)
class IpRiskComponent:
    """One part of the score (0–100) with the reasons that make it, in Chinese and English."""

    name: str
    score: int
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IpRiskScore:
    """The weighted score (0–100) and its three components."""

    enterprise_id: str
    score: int
    components: tuple[IpRiskComponent, ...]


def _rd(i: IpRiskInputs) -> IpRiskComponent:
    zh: list[str] = []
    en: list[str] = []
    points = 0
    if i.listings and not i.own_classes and not i.own_patents:
        points += NO_OWN_RIGHT
        zh.append(f"在售 {i.listings} 个商品，但无自有或被许可的商标、无有效专利")
        en.append(f"sells {i.listings} listings with no own or licensed mark and no patent in force")
    uncovered = sorted(i.hit_classes - i.own_classes, key=lambda c: (len(c), c))
    if uncovered:
        points += PER_UNCOVERED_CLASS * len(uncovered)
        zh.append(f"在尼斯分类 {', '.join(uncovered)} 被认定侵权，且在该类无自有商标")
        en.append(f"found infringing in Nice classes {', '.join(uncovered)} where it holds no mark")
    return IpRiskComponent("rd", min(100, points), tuple(zh), tuple(en))


def _sourcing(i: IpRiskInputs) -> IpRiskComponent:
    zh: list[str] = []
    en: list[str] = []
    if i.border_flags:
        zh.append(f"{i.border_flags} 票申报货物涉及他人海关备案的知识产权")
        en.append(f"{i.border_flags} declarations carry a right recorded with customs by another party")
    if i.supplier_findings:
        zh.append(f"供货方 {', '.join(i.suppliers)} 有 {i.supplier_findings} 项侵权认定")
        en.append(f"suppliers {', '.join(i.suppliers)} have {i.supplier_findings} IP findings")
    points = PER_OWN_BORDER_FLAG * i.border_flags + PER_SUPPLIER_FINDING * i.supplier_findings
    return IpRiskComponent("sourcing", min(100, points), tuple(zh), tuple(en))


def _sales(i: IpRiskInputs) -> IpRiskComponent:
    zh: list[str] = []
    en: list[str] = []
    share = i.findings / i.listings if i.listings else (1.0 if i.findings else 0.0)
    if i.findings:
        zh.append(f"{i.findings}/{i.listings} 个商品链接命中注册商标（{share:.0%}）")
        en.append(f"{i.findings}/{i.listings} listings hit a registered mark ({share:.0%})")
    if i.takedowns:
        zh.append(f"被提起 {i.takedowns} 起下架通知")
        en.append(f"{i.takedowns} takedown notices against it")
    if i.copy_findings:
        zh.append(f"{i.copy_findings} 项图片或文案抄袭认定")
        en.append(f"{i.copy_findings} image or text copy findings")
    # rounded up: one finding among many listings still counts
    points = math.ceil(round(100 * share, 6)) + PER_TAKEDOWN * i.takedowns + PER_COPY_FINDING * i.copy_findings
    return IpRiskComponent("sales", min(100, points), tuple(zh), tuple(en))


def score_ip_risk(inputs: IpRiskInputs) -> IpRiskScore:
    """Score R&D, sourcing and sales (0–100 each) and weigh them into one score (0–100)."""
    parts = (_rd(inputs), _sourcing(inputs), _sales(inputs))
    total = round(sum(WEIGHTS[p.name] * p.score for p in parts))
    return IpRiskScore(inputs.enterprise_id, int(total), parts)
