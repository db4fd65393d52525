"""Read `relance/rules/routes.toml`: the figures the routes after the formal notice are
compared with, each with its source (docs/after-notice.md, "Comparing the routes")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relance.adapters.rules_files import RulesFileError, _Fields, _read, rules_folder
from relance.core.routes import LikelihoodRules, RouteRules

FILENAME = "routes.toml"


def _table(data: dict[str, Any], name: str) -> _Fields:
    found = data.get(name)
    if not isinstance(found, dict):
        raise RulesFileError(f"{FILENAME}: no [{name}] table")
    return _Fields(found, f"{FILENAME} [{name}]")


def read_route_rules(directory: Path | None = None) -> RouteRules:
    """The route figures of the rules folder (the package's, or `directory`)."""
    data = _read(rules_folder(directory), FILENAME)
    odds, small, order = (_table(data, n) for n in ("likelihood", "small_claims", "payment_order"))
    bands = []
    for index, band in enumerate(odds.data.get("bands", []), start=1):
        fields = _Fields(band, f"{FILENAME} [likelihood] band {index}")
        bands.append((fields.integer("up_to_days"), fields.decimal("share")))
    if not bands or [b[0] for b in bands] != sorted(b[0] for b in bands):
        raise odds.fail("bands", "give the bands in order of up_to_days")
    return RouteRules(
        likelihood=LikelihoodRules(
            tuple(bands), odds.decimal("beyond"), odds.text("source"),
            odds.integer("min_cases"), odds.decimal("size_limit"),
        ),
        small_claims_ceiling=small.decimal("ceiling"),
        small_claims_cost=small.decimal("cost"),
        small_claims_source=small.text("cost_source"),
        ceiling_source=small.text("ceiling_source"),
        commerce_greffe_fee=order.decimal("commerce_greffe_fee"),
        commerce_greffe_source=order.text("commerce_greffe_source"),
        judiciaire_fee=order.decimal("judiciaire_fee"),
        judiciaire_source=order.text("judiciaire_source"),
        service_fee=order.decimal("service_fee"),
        service_source=order.text("service_source"),
    )  # fmt: skip
