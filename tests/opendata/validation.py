"""Validation against the pinned OCDS 1.1.5 schemas (portal/opendata/schema/), with no network.

The package schemas refer to the release schema by its URL; a referencing Registry resolves that URL
(and every other schema URL) to the local copy.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "portal" / "opendata" / "schema"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
NAMES = ("release-schema.json", "release-package-schema.json", "record-package-schema.json")


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in NAMES}


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (SCHEMA_BASE + name, Resource.from_contents(schema, default_specification=DRAFT4))
        for name, schema in _schemas().items()
    )


def errors(document: dict[str, Any], schema_name: str) -> list[str]:
    """Every validation error of `document` against the named schema, as 'path: message'."""
    validator = jsonschema.Draft4Validator(
        _schemas()[schema_name],
        registry=_registry(),
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def assert_release_package(document: dict[str, Any]) -> None:
    assert errors(document, "release-package-schema.json") == []


def assert_record_package(document: dict[str, Any]) -> None:
    assert errors(document, "record-package-schema.json") == []
