"""Read a context's YAML configuration file into its Pydantic model, naming the file in every error."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(model: type[ModelT], path: Path) -> ModelT:
    """Parse and validate a YAML file; a syntax or validation error becomes a ValueError that names the file."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
