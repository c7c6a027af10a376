"""What `lint-imports` cannot say about our import contracts (pyproject.toml, [tool.importlinter]).

It checks the code against the contracts; these tests check the contracts: that their lists name every module
they are meant to (a new module of a context is private until it is listed, or made its service or schemas),
that each contract fails on the arrows it exists to stop, and that the graph they are checked on sees imports
made inside functions.
"""

from __future__ import annotations

import copy
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
CONFIG: dict[str, Any] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS: dict[str, dict[str, Any]] = {c["id"]: c for c in CONFIG["contracts"]}
KINDS: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "independence": IndependenceContract,
}
ENTRY_POINTS = {"cbec.cli", "cbec.api", "cbec.web"}
# casework: the store side of the one case lifecycle, shared by the contexts that open cases (one service module).
INFRASTRUCTURE = {"cbec.storage", "cbec.config", "cbec.core", "cbec.casework"}
PUBLIC = {"service", "schemas"}
ALSO_PUBLIC = {"cbec.auth.domain"}  # the Principal, its roles, Forbidden and NotVisible
configure()  # import-linter's own settings (its timer, file system), as lint-imports sets them


def _as_lint_imports_reads(options: dict[str, Any]) -> dict[str, Any]:
    """Return the options as lint-imports hands them to contracts: booleans from TOML as text."""
    return {k: str(v) if isinstance(v, bool) else v for k, v in options.items()}


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("cbec", include_external_packages=CONFIG["include_external_packages"])


def _kept(contract_id: str, *extra: tuple[str, str]) -> bool:
    """Check one contract of pyproject.toml on the code's import graph, with extra imports added."""
    graph = copy.deepcopy(_graph())
    for importer, imported in extra:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import probe")
    declared = CONTRACTS[contract_id]
    options = _as_lint_imports_reads({k: v for k, v in declared.items() if k not in ("id", "name", "type")})
    session = _as_lint_imports_reads({k: v for k, v in CONFIG.items() if k != "contracts"})
    session["root_packages"] = [session.pop("root_package")]
    contract = KINDS[declared["type"]](name=declared["name"], session_options=session, contract_options=options)
    return contract.check(graph, verbose=False).kept


def _children(package: str) -> set[str]:
    return set(_graph().find_children(package))


def test_there_are_the_contracts_the_docs_describe() -> None:
    kinds = {contract_id: c["type"] for contract_id, c in CONTRACTS.items()}
    assert kinds == {
        "layers": "layers",
        "peers": "independence",
        "public-surface": "forbidden",
        "entry-storage": "forbidden",
        "pure-domain": "forbidden",
    }


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_each_contract_holds_on_the_code_as_it_is(contract_id: str) -> None:
    assert _kept(contract_id)


@pytest.mark.parametrize(
    ("contract_id", "importer", "imported"),
    [
        # The arrows issue 18 found: entry points driving engines and rooms past the service.
        ("public-surface", "cbec.api.routes.payments", "cbec.monitoring.streaming.driver"),
        ("public-surface", "cbec.web.province", "cbec.monitoring.alerts.overview"),
        ("public-surface", "cbec.cli.cases", "cbec.monitoring.graph.cases"),
        # A context reaching into another one's insides, a drill into a table.
        ("public-surface", "cbec.credit.features", "cbec.monitoring.engine"),
        ("public-surface", "cbec.crash.worker", "cbec.monitoring.models"),
        ("entry-storage", "cbec.cli.db", "cbec.storage.migrate"),
        ("entry-storage", "cbec.web.province", "cbec.storage.lake"),
        ("pure-domain", "cbec.complaints.domain", "sklearn"),
        ("pure-domain", "cbec.complaints.domain", "pathlib"),
        ("pure-domain", "cbec.supervision.domain", "cbec.storage.engine"),
        ("pure-domain", "cbec.credit.domain", "cbec.credit.models"),
        ("layers", "cbec.core.money", "cbec.storage.lake"),  # core imports nothing else of cbec
        ("layers", "cbec.core.clock", "cbec.config"),
        ("layers", "cbec.storage.lake", "cbec.monitoring.engine"),
        ("layers", "cbec.monitoring.service", "cbec.web.render"),  # a context calling an entry point
        ("layers", "cbec.feeds.service", "cbec.monitoring.service"),  # monitoring calls feeds: a cycle
        ("layers", "cbec.supervision.service", "cbec.credit.service"),
        ("peers", "cbec.quality.service", "cbec.ip.service"),
        ("peers", "cbec.monitoring.service", "cbec.complaints.service"),
    ],
)
def test_each_contract_stops_the_arrows_it_exists_for(contract_id: str, importer: str, imported: str) -> None:
    assert not _kept(contract_id, (importer, imported))


def test_every_top_level_package_is_an_entry_point_a_context_or_infrastructure() -> None:
    contexts = set(CONTRACTS["public-surface"]["source_modules"]) - ENTRY_POINTS
    packages = {m for m in _children("cbec") if m != "cbec.__init__"}
    assert packages == ENTRY_POINTS | contexts | INFRASTRUCTURE


def test_the_public_surface_forbids_every_module_of_a_context_but_its_service_and_schemas() -> None:
    contexts = set(CONTRACTS["public-surface"]["source_modules"]) - ENTRY_POINTS
    private = {
        module
        for context in contexts
        for module in _children(context)
        if module.rsplit(".", 1)[1] not in PUBLIC and module not in ALSO_PUBLIC
    }
    listed = set(CONTRACTS["public-surface"]["forbidden_modules"])
    assert sorted(private - listed) == [], "add these to forbidden_modules, or make them a service or schemas"
    assert sorted(listed - private) == []


def test_entry_points_may_use_only_the_store_and_the_service_of_storage() -> None:
    private = _children("cbec.storage") - {"cbec.storage.store", "cbec.storage.service"}
    assert set(CONTRACTS["entry-storage"]["forbidden_modules"]) == private
    assert set(CONTRACTS["entry-storage"]["source_modules"]) == ENTRY_POINTS


def test_the_graph_sees_imports_made_inside_functions() -> None:
    graph = _graph()
    # feeds.read_side imports the Spark views only when a Spark backend asks for them.
    assert graph.direct_import_exists(importer="cbec.feeds.read_side", imported="cbec.feeds.spark_views")
    # the classifier imports its scikit-learn pipeline on first use.
    assert graph.direct_import_exists(importer="cbec.complaints.classifier", imported="cbec.complaints.pipeline")
    assert "cbec.feeds.loader" in graph.modules and "cbec.storage.lake" in graph.modules
