"""cbec ip: screen listing titles against the registered trademarks."""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from cbec.cli.context import console, err_console, store_of
from cbec.cli.ip_cases import border_flags, evidence, takedown_app
from cbec.cli.output import write_csv
from cbec.ip import service as ip
from cbec.ip.schemas import ListingIn

ip_app = typer.Typer(
    help="知识产权 / IP protection: listing screening, copies, takedowns, border flags, evidence.",
    no_args_is_help=True,
)
ip_app.add_typer(takedown_app, name="takedown")
ip_app.command("border-flags")(border_flags)
ip_app.command("evidence")(evidence)


@ip_app.command("screen")
def screen(ctx: typer.Context, file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Screen a CSV of listings (`title`, optional `enterprise_id`); print CSV title,mark_id,mark_text,score,signals."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "title" not in (reader.fieldnames or []):
            err_console.print(
                f"{file}: 缺少 title 列 / no `title` column (columns: {', '.join(reader.fieldnames or [])})"
            )
            raise typer.Exit(2)
        listings = [ListingIn(title=row["title"], enterprise_id=row.get("enterprise_id") or None) for row in reader]
    results = ip.screen_titles(store=store_of(ctx), listings=listings)
    write_csv(
        ["title", "mark_id", "mark_text", "score", "signals"],
        (
            [
                r.title,
                r.mark_id or "",
                r.mark_text or "",
                "" if r.score is None else f"{r.score:.3f}",
                ";".join(r.signals),
            ]
            for r in results
        ),
    )


@ip_app.command("scan")
def scan(ctx: typer.Context) -> None:
    """Screen every listing's title, image and description; keep the findings; show the enterprises most at risk."""
    store = store_of(ctx)
    hits = ip.screen_listings(store=store)
    console.print(f"{hits:,} listings hit a registered mark")
    copies = ip.scan_copies(store=store)
    console.print(
        f"{copies.listings:,} listings against {copies.registered_images} registered images and "
        f"{copies.registered_texts} registered texts: {copies.image_findings} copied images, "
        f"{copies.text_findings} copied descriptions ({copies.new_findings} new findings)"
    )
    console.print(
        f"  images hashed {copies.images_hashed}, reused {copies.images_reused}, "
        f"URLs not fetched {copies.images_remote}, unreadable {copies.images_missing}"
    )
    for f in ip.list_copy_findings(store=store, limit=20):
        console.print(
            f"  {f.rule} v{f.rule_version} {f.platform_id}/{f.listing_id} → {f.right_kind} {f.right_id} "
            f"({f.owner}): {f.how}, {f.measure} vs threshold {f.threshold}",
            markup=False,
        )
    for risk in ip.enterprise_ip_risk(store=store)[:15]:
        console.print(
            f"  {risk.enterprise_id}: risk {risk.score}, {risk.findings}/{risk.listings} listings — "
            f"{', '.join(risk.marks)}",
            markup=False,
        )


@ip_app.command("risk")
def risk(
    ctx: typer.Context,
    enterprise: str | None = typer.Option(None, "--enterprise", help="one enterprise (USCC)"),
    top: int = typer.Option(20, min=1, help="how many enterprises, most at risk first"),
) -> None:
    """Enterprise IP risk 0–100 across R&D, sourcing and sales, each part with its reasons (zh/en)."""
    rows = ip.enterprise_ip_risk(store=store_of(ctx), enterprise_id=enterprise)[:top]
    if not rows:
        console.print("无知识产权风险记录 / no IP risk recorded")
    for r in rows:
        parts = ", ".join(f"{c.name} {c.score}" for c in r.components)
        console.print(f"{r.enterprise_id}: 风险 / risk {r.score} ({parts})", markup=False, soft_wrap=True)
        for c in r.components:
            for zh, en in zip(c.reasons_zh, c.reasons_en, strict=True):
                console.print(f"  [{c.name}] {zh} / {en}", markup=False, soft_wrap=True)


@ip_app.command("alias")
def alias(
    ctx: typer.Context,
    mark_id: str = typer.Argument(...),
    name: str = typer.Argument(...),
    actor: str = typer.Option("rights-holder"),
) -> None:
    """Add a name a brand is sold under (Chinese name, nickname)."""
    ip.add_alias(store=store_of(ctx), mark_id=mark_id, alias=name, actor=actor)
    console.print(f"{mark_id}: alias {name}")


@ip_app.command("aliases")
def aliases(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    actor: str = typer.Option("rights-holder"),
) -> None:
    """Load a rights holder's nickname file (CSV `mark`,`alias`; mark by id or text): each nickname once."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"mark", "alias"} <= set(reader.fieldnames or []):
            err_console.print(f"{file}: 需要 mark 与 alias 列 / needs `mark` and `alias` columns")
            raise typer.Exit(2)
        rows = [(reader.line_num, row) for row in reader]
    result = ip.import_aliases(store=store_of(ctx), rows=rows, source=str(file), actor=actor)
    console.print(
        f"别名 / aliases: {result.added} added, {result.unchanged} already there, {len(result.problems)} refused"
    )
    for problem in result.problems:
        err_console.print(f"  {problem}", soft_wrap=True)
    if result.problems:
        raise typer.Exit(1)
