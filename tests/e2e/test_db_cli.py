"""An operator makes the alerts' monthly partitions ahead of time and lists them."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.storage.partitions import months_ahead, partition_name

runner = CliRunner()


def test_db_partitions_creates_months_ahead_on_postgresql_and_says_sqlite_has_none(
    settings: Settings,
) -> None:
    env = {
        "CBEC_HOME": str(settings.home),
        "CBEC_DATABASE_URL": settings.database_url or "",
        "COLUMNS": "200",
    }
    result = runner.invoke(app, ["db", "partitions", "--ahead", "3"], env=env)
    assert result.exit_code == 0, result.output
    if settings.database_url:
        listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
        expected = [partition_name(m) for m in months_ahead(datetime.now(UTC), 3)]
        assert listed == [*expected, "alerts_default"]
    else:
        assert "alerts are one table, not partitioned" in result.output


def test_db_partitions_refuses_a_negative_count(settings: Settings) -> None:
    result = runner.invoke(app, ["db", "partitions", "--ahead", "-1"], env={"CBEC_HOME": str(settings.home)})
    assert result.exit_code == 2
