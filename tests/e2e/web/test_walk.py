"""Walk every navigation link as each kind of user, in both languages, on a wide screen and a phone.

Each page is counted and checked in Debian's Chromium: no console error, nothing wider than the window, no
serious or critical axe-core accessibility violation, and one language at a time (no raw identifier on a Chinese
page, no other language's unit: languages.problems on the page as the browser has it). Screenshots go to
$CBEC_WALK_SHOTS (or a temp dir).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cbec.storage.store import Store

from .browsing import browser_login, needs_chromium
from .languages import problems as language_problems
from .languages import typed

# What the browser draws does not depend on the store; every page of every role is fetched on PostgreSQL in that
# pass by test_languages.py, so the walk runs in the ordinary pass only.
pytestmark = [needs_chromium, pytest.mark.store_blind]

USERS = {"regulator": "analyst", "institution": "pi-a", "platform": "shop", "enterprise": "firm"}
LANGS = ("zh", "en")
WIDTHS = (1440, 390)
SERIOUS = ("serious", "critical")


@dataclass
class Visit:
    """One page as one user saw it."""

    who: str
    lang: str
    width: int
    path: str
    status: int
    errors: list[str] = field(default_factory=list)
    overflow: int = 0  # pixels the page is wider than the window
    violations: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)  # raw identifiers, the other language's units

    def problems(self) -> list[str]:
        where = f"{self.who}/{self.lang}/{self.width}px {self.path}"
        found = [f"{where}: HTTP {self.status}"] if self.status != 200 else []
        found += [f"{where}: console {e}" for e in self.errors]
        found += [f"{where}: {self.overflow}px wider than the window"] if self.overflow > 0 else []
        return found + [f"{where}: axe {v}" for v in self.violations] + self.language


def _shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("CBEC_WALK_SHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("walk")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _undrawn_charts(page: object) -> list[str]:
    """Wait (up to 5 s) for every chart box on the page to be drawn; name those that were not."""
    every_drawn = "() => [...document.querySelectorAll('.chart')].every(n => n.querySelector('canvas'))"
    try:
        page.wait_for_function(every_drawn, timeout=5000)  # type: ignore[attr-defined]
    except Exception:  # Playwright's TimeoutError: the names of the undrawn charts say more
        undrawn = "ns => ns.filter(n => !n.querySelector('canvas')).map(n => n.id)"
        ids = page.eval_on_selector_all(".chart", undrawn)  # type: ignore[attr-defined]
        return [f"chart not drawn: {i}" for i in ids]
    return []


def _walk_one(
    browser: object, base_url: str, who: str, lang: str, width: int, shots: Path, axe: object, said: list[str]
) -> list[Visit]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": 900 if width > 800 else 844}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_login(page, base_url, USERS[who])
    page.wait_for_load_state("load")
    page.goto(f"{base_url}/lang/{lang}?next=/")
    links = page.eval_on_selector_all("header nav.wide a", "nodes => nodes.map(n => n.getAttribute('href'))")
    if width < 800:  # on a phone the row is hidden and the menu opens on a tap, every link in it
        assert not page.is_visible("header nav.wide")
        page.click("header details.menu summary")
        assert page.locator("header details.menu nav a:visible").count() == len(links)
        page.screenshot(path=str(shots / f"{who}-{lang}-{width}-menu.png"))
    visits = []
    for path in links:
        errors.clear()
        reply = page.goto(f"{base_url}{path}")
        errors.extend(_undrawn_charts(page))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        result = axe.run(page)  # type: ignore[attr-defined]
        violations = [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['nodes'][0]['target']}"
            for v in result.response["violations"]
            if v["impact"] in SERIOUS
        ]
        name = f"{who}-{lang}-{width}{path.replace('/', '-') if path != '/' else '-overview'}"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        status = reply.status if reply is not None else 0
        language = language_problems(lang, f"{who}/{lang}/{width}px {path}", page.content(), said)
        visits.append(Visit(who, lang, width, path, status, list(errors), int(overflow), violations, language))
    context.close()
    return visits


# A test per kind of user (not one for all): the walk is the suite's longest test, and four parts let two
# workers share it instead of one walking alone at the end of the run.
@pytest.mark.parametrize("who", list(USERS))
def test_every_navigation_link_for_every_kind_of_user(
    who: str, browser: object, base_url: str, store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe, shots, started, said = Axe(), _shots(tmp_path_factory), time.monotonic(), typed(store)
    visits = [
        visit
        for lang in LANGS
        for width in WIDTHS
        for visit in _walk_one(browser, base_url, who, lang, width, shots, axe, said)
    ]
    problems = [p for visit in visits for p in visit.problems()]
    print(f"walk of the {who}: {len(visits)} pages in {time.monotonic() - started:.1f} s, screenshots in {shots}")
    errors, wide = sum(len(v.errors) for v in visits), sum(v.overflow > 0 for v in visits)
    serious = sum(len(v.violations) for v in visits)
    raw = sum(len(v.language) for v in visits if v.lang == "zh")
    print(
        f"console errors {errors}, wider than the window {wide}, axe serious/critical {serious}, "
        f"raw identifiers or English units in Chinese pages {raw}"
    )
    for problem in problems:
        print(problem)
    # The user reaches pages, in both languages and both widths.
    assert {(v.who, v.lang, v.width) for v in visits} == {(who, la, w) for la in LANGS for w in WIDTHS}
    assert problems == []
