"""The kill -9 drill: run a target's real `cbec` process, SIGKILL it at a seeded random moment, restart it, verify.

The moments are spread over the whole run time measured from a clean run first (one kill per equal slice of it,
at a random point inside the slice), so the kills land during start-up, reading, writing, committing and
publishing alike. Every run starts from a fresh clone of the target's template home.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess  # nosec B404  # starts cbec's own drill targets (no shell)
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cbec.crash.homes import Backend, Home
from cbec.crash.targets import Target, Verdict

Log = Callable[[str], None]


class CommandFailed(RuntimeError):
    """A run that was meant to finish did not exit cleanly."""


@dataclass
class KillRun:
    """One kill and its restart."""

    run: int
    delay: float
    landed_running: bool  # the process was still running when killed (else it had already finished)
    mid_work: bool  # the kill left half-done work that the restart had to recover
    restart_seconds: float
    verdict: Verdict


@dataclass
class DrillResult:
    """Every kill of one target on one store."""

    target: str
    store: str
    records: str
    clean_seconds: float
    runs: list[KillRun] = field(default_factory=list)

    @property
    def kills(self) -> int:
        """Return how many runs were killed."""
        return len(self.runs)

    @property
    def mid_work(self) -> int:
        """Return how many kills left half-done work."""
        return sum(r.mid_work for r in self.runs)

    def total(self, name: str) -> int | None:
        """Return the sum of a verdict count over the runs, None when the target does not count it."""
        values = [getattr(r.verdict, name) for r in self.runs]
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    @property
    def problems(self) -> list[str]:
        """Return every problem found, prefixed with its run number."""
        return [f"run {r.run}: {p}" for r in self.runs for p in r.verdict.problems]

    @property
    def max_restart_seconds(self) -> float:
        """Return the longest restart (recovery and a full run)."""
        return max((r.restart_seconds for r in self.runs), default=0.0)


def _start(home: Home, args: list[str], log_file: Path) -> subprocess.Popen[bytes]:
    with log_file.open("ab") as sink:
        return subprocess.Popen(  # nosec B603  # our own interpreter and module, no shell, no outside input
            [sys.executable, "-m", "cbec.cli.main", *args],
            env=home.env(),
            stdout=sink,
            stderr=sink,
            start_new_session=True,  # its own process group: the kill reaches every child it may start
        )


def run_to_end(home: Home, args: list[str], log_file: Path, timeout: float) -> float:
    """Run a command to completion; return its wall time, or raise CommandFailed with its output's tail."""
    started = time.perf_counter()
    process = _start(home, args, log_file)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        code = -9
    if code != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise CommandFailed(f"cbec {' '.join(args)} exited with {code}:\n{tail}")
    return time.perf_counter() - started


def kill_after(home: Home, args: list[str], delay: float, log_file: Path) -> bool:
    """Start a command and SIGKILL it after `delay` seconds; return whether it was still running then."""
    process = _start(home, args, log_file)
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def kill_when(home: Home, args: list[str], condition: Callable[[], bool], log_file: Path, timeout: float) -> bool:
    """Start a command and SIGKILL it as soon as `condition()` holds; return whether it held before the exit."""
    process = _start(home, args, log_file)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return False


def kill_delays(clean_seconds: float, kills: int, seed: int, start_fraction: float = 0.0) -> list[float]:
    """Return one seeded random moment in each of `kills` equal slices of [start, clean run time]."""
    rng = random.Random(seed)  # nosec B311  # seeded kill moments for a repeatable drill, not a secret
    start = clean_seconds * start_fraction
    width = (clean_seconds - start) / kills
    delays = [start + width * (i + rng.random()) for i in range(kills)]
    rng.shuffle(delays)
    return delays


def run_drill(
    target: Target,
    backend: Backend,
    *,
    work: Path,
    kills: int = 20,
    seed: int = 1,
    rows: int = 20_000,
    start_fraction: float = 0.0,
    keep_failed: bool = False,
    keep_clean: bool = False,
    log: Log = lambda _line: None,
) -> DrillResult:
    """Prepare a target, time a clean run, then kill, restart and verify `kills` times.

    The clean run's home is dropped at the end unless `keep_clean` (then the caller drops it: a test tampers
    with a clone of it to see the verdicts fail).
    """
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    target.prepare(work / "prepare", backend, rows)
    log(f"{target.name}/{backend.name}: prepared in {time.perf_counter() - started:.1f} s")
    clean = backend.clone(target.template(0), work / "clean")
    try:
        clean_seconds = run_to_end(clean, target.command(), work / "clean.log", timeout=3600)
        target.remember(clean)
        result = DrillResult(target.name, backend.name, target.records, clean_seconds)
        log(f"{target.name}/{backend.name}: clean run {clean_seconds:.1f} s")
        for run, delay in enumerate(kill_delays(clean_seconds, kills, seed, start_fraction), start=1):
            home = backend.clone(target.template(run), work / f"run{run:03d}")
            log_file = work / f"run{run:03d}.log"
            landed = kill_after(home, target.command(), delay, log_file)
            after = target.after_kill(home, run)
            try:
                restart = run_to_end(home, target.command(), log_file, timeout=max(600.0, 20 * clean_seconds))
                verdict = target.verify(home, run)
            except CommandFailed as failed:
                restart, verdict = float("nan"), Verdict(rows_lost=None, duplicate_rows=None)
                verdict.problems.append(str(failed))
            verdict.problems[:0] = [f"after the kill: {p}" for p in after.problems]
            result.runs.append(KillRun(run, delay, landed, after.mid_work, restart, verdict))
            status = ("ok" if verdict.clean else f"FAILED: {verdict}") + (f"; {verdict.note}" if verdict.note else "")
            where = "mid-work" if after.mid_work else "no half-done work"
            log(
                f"  run {run:>3}: kill at {delay:6.2f} s ({where}{'' if landed else ', had finished'}), "
                f"restart {restart:5.1f} s, {status}"
            )
            if verdict.clean or not keep_failed:
                backend.drop(home)
        return result
    finally:
        target.close()
        if not keep_clean:
            backend.drop(clean)


def table(results: list[DrillResult]) -> str:
    """Return the drill's results as a plain-text table, one line per target and store."""

    def shown(value: int | None) -> str:
        return "-" if value is None else str(value)

    header = (
        "target",
        "store",
        "kills",
        "while running",
        "mid-work",
        "rows lost",
        "dup rows",
        "dup alerts/records",
        "max restart s",
        "clean run s",
    )
    lines = [
        (
            r.target,
            r.store,
            str(r.kills),
            str(sum(k.landed_running for k in r.runs)),
            str(r.mid_work),
            shown(r.total("rows_lost")),
            shown(r.total("duplicate_rows")),
            shown(r.total("duplicate_records")) + (f" ({r.records})" if r.records else ""),
            f"{r.max_restart_seconds:.1f}",
            f"{r.clean_seconds:.1f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *lines)) for i in range(len(header))]
    rule = "-+-".join("-" * w for w in widths)
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule]
    out += [
        " | ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in lines
    ]
    return "\n".join(out)
