"""Names for JSON whose shape the code does not fix: stored evidence, subgraphs, model metadata, exported rows."""

from __future__ import annotations

from typing import Any

# A JSON object as json.loads returns it, or a dict about to be dumped: its values are of any JSON type.
JsonObject = dict[str, Any]
