"""Use case: set up the creditor, with its identifiers checked by well-kept libraries."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret

from relance.adapters.storage import repository as repo
from relance.bootstrap import Store
from relance.core.model import Address, Creditor
from relance.core.money import check_currency


class SetupError(ValueError):
    """A creditor setting is wrong; the message names the field."""


def checked(creditor: Creditor) -> Creditor:
    """The creditor with its identifiers validated and written in their standard form."""
    try:
        currency = check_currency(creditor.currency)
    except ValueError as exc:
        raise SetupError(f"currency: {exc}") from exc
    country = creditor.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise SetupError(f"country: {creditor.country!r} is not an ISO 3166 two-letter code")
    if creditor.language not in ("fr", "en"):
        raise SetupError(f"language: {creditor.language!r} is not supported (fr, en)")
    iban, bic = creditor.iban, creditor.bic
    try:
        if iban:
            iban = IBAN(iban).compact
        if bic:
            bic = str(BIC(bic))
    except SchwiftyException as exc:
        raise SetupError(f"iban/bic: {exc}") from exc
    registration = creditor.registration_id.replace(" ", "")
    if registration and country == "FR":
        try:
            if len(registration) == 14:
                registration = siret.validate(registration)
            else:
                registration = siren.validate(registration)
        except ValidationError as exc:
            raise SetupError(
                f"registration_id: {registration!r} is not a SIREN/SIRET ({exc})"
            ) from exc
    vat_number = creditor.vat_number.replace(" ", "")
    if vat_number:
        try:
            vat_number = vat.validate(vat_number)
        except ValidationError as exc:
            raise SetupError(
                f"vat_number: {vat_number!r} is not a valid EU VAT number ({exc})"
            ) from exc
    if creditor.email and "@" not in creditor.email:
        raise SetupError(f"email: {creditor.email!r} is not an e-mail address")
    if not creditor.name.strip():
        raise SetupError("name: is empty")
    return replace(
        creditor,
        currency=currency,
        country=country,
        iban=iban,
        bic=bic,
        registration_id=registration,
        vat_number=vat_number,
    )


def creditor_from_toml(path: Path) -> Creditor:
    """A creditor from a TOML file whose keys are `Creditor`'s fields (address as a table)."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SetupError(f"{path}: {exc}") from exc
    section = data.get("creditor", data)
    address = section.pop("address", {})
    if not isinstance(address, dict):
        raise SetupError(f"{path}: address must be a table (lines, postal_code, city)")
    known = set(Creditor.__dataclass_fields__)
    unknown = set(section) - known
    if unknown:
        raise SetupError(f"{path}: unknown key(s): {', '.join(sorted(unknown))}")
    missing = {"name", "country", "currency"} - set(section)
    if missing:
        raise SetupError(f"{path}: missing key(s): {', '.join(sorted(missing))}")
    return Creditor(
        address=Address(
            tuple(address.get("lines", ())),
            str(address.get("postal_code", "")),
            str(address.get("city", "")),
            str(section["country"]),
        ),
        **section,
    )


def init_creditor(store: Store, creditor: Creditor, actor: str = "cli") -> Creditor:
    """Check and save the creditor; returns it as saved."""
    creditor = checked(creditor)
    with store.begin() as conn:
        repo.save_creditor(conn, creditor)
        repo.append_event(conn, "creditor.saved", actor=actor, subject=creditor.name)
    return creditor


__all__ = ["SetupError", "checked", "creditor_from_toml", "init_creditor"]
