"""The report as JSON: exactly the shape of contract §7, UTF-8, indented."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render(
    report: Mapping[str, Any], narrative: Mapping[str, str] | None = None
) -> bytes:
    """The report's JSON; the narrative is not part of the contract's JSON shape."""
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
