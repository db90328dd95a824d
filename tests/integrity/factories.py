"""Tiny watchlists built in the test, and helpers to load them through the service."""

from __future__ import annotations

import json
from typing import Any

from liaison.core.actors import Actor
from liaison.integrity import services
from liaison.integrity.watchlist_index import index_build

COMPANY = {"id": "ua-co-1", "schema": "Company", "properties": {"name": ["ТОВ «Темна Зоря»"], "country": ["ru"]}}
PERSON = {
    "id": "ua-pe-1",
    "schema": "Person",
    "properties": {"name": ["Коваленко Петро Іванович"], "birthDate": ["1971-05-04"]},
}
SANCTION = {"id": "sanc-1", "schema": "Sanction", "properties": {"entity": ["ua-co-1"]}}
HOLDING = {"id": "gb-co-9", "schema": "Company", "properties": {"name": ["Chorna Hora Holding"]}}


def ftm(*entities: dict[str, Any]) -> bytes:
    return ("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n").encode()


def import_list(
    *entities: dict[str, Any], source: str = "test-list", version: str = "v1", rescreen: bool = False
) -> services.ImportResult:
    """Load a list and build its screening index, as the worker's job does after an import (web processes
    only load the index; without it they leave screening to a job)."""
    result = services.watchlist_import(
        actor=Actor.system("tests"),
        path_or_bytes=ftm(*entities),
        source=source,
        version=version,
        filename="list.jsonl",
        rescreen=rescreen,
    )
    index_build()
    return result
