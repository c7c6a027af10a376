"""A code with its register's name beside it, as every table draws it: escaped, linked, in the page's language."""

from __future__ import annotations

from cbec.web.render import named

NAMES = {"institution": {"PI-A": ("甲支付", "Pay A"), "PI-<b>": ('<img src=x onerror="a()">', "Bad & co")}}


def test_a_named_code_shows_the_name_in_the_pages_language_then_the_code() -> None:
    assert named("zh", NAMES, "institution", "PI-A") == '甲支付 <span class="code">PI-A</span>'
    assert named("en", NAMES, "institution", "PI-A", "/institutions/PI-A") == (
        '<a href="/institutions/PI-A">Pay A</a> <span class="code">PI-A</span>'
    )


def test_a_code_without_a_name_is_shown_once_and_no_code_is_a_dash() -> None:
    assert named("zh", NAMES, "enterprise", "91330100X", "/e/1") == '<a href="/e/1">91330100X</a>'
    assert named("en", NAMES, "institution", None) == "–"
    assert named("en", NAMES, "institution", "") == "–"


def test_names_codes_and_links_are_escaped() -> None:
    assert named("zh", NAMES, "institution", "PI-<b>", '/x?a="1"') == (
        '<a href="/x?a=&#34;1&#34;">&lt;img src=x onerror=&#34;a()&#34;&gt;</a> <span class="code">PI-&lt;b&gt;</span>'
    )
    assert named("en", NAMES, "institution", "PI-<b>") == 'Bad &amp; co <span class="code">PI-&lt;b&gt;</span>'
