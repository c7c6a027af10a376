"""Credit: scores, the credit lists with their repair applications, customs grades, the scoring models."""

from __future__ import annotations

import sqlalchemy as sa

from cbec.storage import ddl
from cbec.storage.ddl import AMOUNT, JSON, TIMESTAMP


def upgrade() -> None:
    """Create the list entries, the models and their promotions, scores, customs grades and repair cases."""
    ddl.create_table(
        "credit_list_entries",
        sa.Column("list_kind", sa.String(8), nullable=False),
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("severity", sa.String(12), nullable=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("entry_reason", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sa.Text(), nullable=True),
        sa.Index("ix_credit_list_entries_kind_enterprise", "list_kind", "enterprise_id"),
    )
    ddl.create_table(
        "credit_model_promotions",
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("previous_version", sa.String(40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("comparison", JSON, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Index("ix_credit_model_promotions_version", "version"),
    )
    ddl.create_table(
        "credit_models",
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("trained_on", JSON, nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("version", name="uq_credit_models_version"),
    )
    ddl.create_table(
        "credit_scores",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("model_version", sa.String(40), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("score", AMOUNT, nullable=False),
        sa.Column("score_grade", sa.String(4), nullable=False),
        sa.Column("grade", sa.String(4), nullable=False),
        sa.Column("hard_rules", JSON, nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("features", JSON, nullable=False),
        sa.Column("computed_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint(
            "period", "enterprise_id", "model_version", name="uq_credit_scores_period_enterprise_id_model_version"
        ),
        sa.Index("ix_credit_scores_enterprise_id", "enterprise_id"),
        sa.Index("ix_credit_scores_period_grade", "period", "grade"),
    )
    ddl.create_table(
        "customs_credit_grades",
        sa.Column("input_version", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("grade", sa.String(12), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("loaded_from", sa.String(500), nullable=False),
        sa.Column("loaded_at", TIMESTAMP, nullable=False),
        sa.Index("ix_customs_credit_grades_enterprise", "enterprise_id", "effective_from"),
        sa.Index("ix_customs_credit_grades_input_version", "input_version"),
    )
    _repair()


def _repair() -> None:
    """Credit repair: an application to leave a list, on the case lifecycle with its transition log."""
    ddl.create_table(
        "credit_repair_applications",
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(12), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("earliest_on", sa.Date(), nullable=False),
        sa.Column("lapses_on", sa.Date(), nullable=False),
        sa.Column("applied_at", TIMESTAMP, nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        ddl.foreign_key("credit_repair_applications", "entry_id", "credit_list_entries"),
        sa.Index("ix_credit_repair_applications_enterprise_id", "enterprise_id"),
        sa.Index("ix_credit_repair_applications_entry_id", "entry_id"),
        sa.Index("ix_credit_repair_applications_state_due", "state", "due_at"),
    )
    ddl.create_transition_table(
        "credit_repair_transitions",
        case_column="application_id",
        case_table="credit_repair_applications",
        reason=sa.Text(),
    )


def downgrade() -> None:
    """Drop them."""
    ddl.drop_tables(
        "credit_repair_transitions",
        "credit_repair_applications",
        "customs_credit_grades",
        "credit_scores",
        "credit_models",
        "credit_model_promotions",
        "credit_list_entries",
    )
