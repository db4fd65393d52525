"""Use case: set up the creditor, with its identifiers checked by well-kept libraries."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_ledger as ledger_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.compliance import legal_identity_items
from relance.core.iso_codes import check_country, check_currency
from relance.core.model import Address, Creditor, WindowSide


class SetupError(ValueError):
    """A creditor setting is wrong; the message names the field."""


class SetupRefused(SetupError):
    """A right value the ledger cannot take any more (a new currency under invoices)."""


def checked(creditor: Creditor) -> Creditor:
    """The creditor with its identifiers validated and written in their standard form."""
    try:
        currency = check_currency(creditor.currency)
    except ValueError as exc:
        raise SetupError(f"currency: {exc}") from exc
    try:
        country = check_country(creditor.country)
    except ValueError as exc:
        raise SetupError(f"country: {exc}") from exc
    if creditor.language not in ("fr", "en"):
        raise SetupError(f"language: {creditor.language!r} is not supported (fr, en)")
    iban, bic = _checked_bank(creditor.iban, creditor.bic)
    registration = _checked_registration(creditor.registration_id, country)
    vat_number = _checked_vat(creditor.vat_number)
    if creditor.email and "@" not in creditor.email:
        raise SetupError(f"email: {creditor.email!r} is not an e-mail address")
    if not creditor.name.strip():
        raise SetupError("name: is empty")
    return replace(
        creditor,
        envelope_window=_checked_window(creditor.envelope_window),
        currency=currency,
        country=country,
        iban=iban,
        bic=bic,
        registration_id=registration,
        vat_number=vat_number,
    )


def _checked_bank(iban: str, bic: str) -> tuple[str, str]:
    try:
        if iban:
            iban = IBAN(iban).compact
        if bic:
            bic = str(BIC(bic))
    except SchwiftyException as exc:
        raise SetupError(f"iban/bic: {exc}") from exc
    return iban, bic


def _checked_registration(registration_id: str, country: str) -> str:
    """A French SIREN (9 digits) or SIRET (14); other countries' numbers as written."""
    registration = registration_id.replace(" ", "")
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
    return registration


def _checked_vat(number: str) -> str:
    vat_number = number.replace(" ", "")
    if vat_number:
        try:
            vat_number = vat.validate(vat_number)
        except ValidationError as exc:
            raise SetupError(
                f"vat_number: {vat_number!r} is not a valid EU VAT number ({exc})"
            ) from exc
    return vat_number


def _checked_window(window: WindowSide | None) -> WindowSide | None:
    if window is not None and not isinstance(window, WindowSide):
        try:
            window = WindowSide(str(window).strip().lower())
        except ValueError:
            raise SetupError(
                f"envelope_window: {window!r} is neither left nor right (the side of the "
                "DL envelope's window)"
            ) from None
    return window


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
    """Check and save the creditor (replacing the saved one); returns it as saved."""
    creditor = checked(creditor)
    with store.begin() as conn:
        _save(conn, creditor, actor)
    return creditor


def update_creditor(store: Store, changes: Mapping[str, Any], actor: str = "cli") -> Creditor:
    """Create the creditor, or change only the given fields of the one saved.

    `changes` holds `Creditor` fields, and `address_lines`, `postal_code`, `city` for the
    address. Creating the ledger needs at least a name; the country, currency and language
    default to FR, EUR and fr.
    """
    with store.begin() as conn:
        creditor = changed_creditor(repo.load_creditor(conn), changes)
        _save(conn, creditor, actor)
    return creditor


def changed_creditor(current: Creditor | None, changes: Mapping[str, Any]) -> Creditor:
    """`current` (None for a new ledger) with `changes` applied, checked; nothing is saved.

    Called before a new ledger is created, so that a wrong value creates no file.
    """
    fields = dict(changes)
    address_parts = {
        k: fields.pop(k) for k in ("address_lines", "postal_code", "city") if k in fields
    }
    unknown = set(fields) - set(Creditor.__dataclass_fields__)
    if unknown:
        raise SetupError(f"unknown creditor field(s): {', '.join(sorted(unknown))}")
    if current is None:
        if not fields.get("name"):
            raise SetupError("name: a new ledger needs the creditor's name (--name)")
        current = Creditor(name=fields["name"], country="FR", currency="EUR")
    address = replace(
        current.address,
        lines=tuple(address_parts.get("address_lines", current.address.lines)),
        postal_code=address_parts.get("postal_code", current.address.postal_code),
        city=address_parts.get("city", current.address.city),
        country=str(fields.get("country", current.country)).upper(),
    )
    return checked(replace(current, address=address, **fields))


# The creditor field that gives each item of a French company's legal identity.
_IDENTITY_FIELDS = {
    "creditor legal form (C. com. R123-238)": "legal_form",
    "creditor share capital (C. com. R123-238)": "capital",
    "creditor RCS city (C. com. R123-237)": "registration_city",
    "creditor SIREN (C. com. R123-237)": "registration_id",
}


def letters_need(creditor: Creditor) -> tuple[str, ...]:
    """What the creditor's letters still lack, each named by the creditor field that gives
    it: `address`, `signatory_name`, `iban`, `email` (or a phone), and for a French company
    the items of its legal identity (`legal_form`, `capital`, `registration_city`,
    `registration_id`)."""
    found = [
        name
        for name, present in (
            ("address", creditor.address.lines and creditor.address.city),
            ("signatory_name", creditor.signatory_name),
            ("iban", creditor.iban),
            ("email", creditor.email or creditor.phone),
        )
        if not present
    ]
    found.extend(
        _IDENTITY_FIELDS.get(name, name)
        for name, spellings in legal_identity_items(creditor)
        if not spellings
    )
    return tuple(found)


def _save(conn: Connection, creditor: Creditor, actor: str) -> None:
    saved = repo.load_creditor(conn)
    changes_currency = saved is not None and saved.currency != creditor.currency
    if saved is not None and changes_currency and ledger_repo.has_invoices(conn):
        raise SetupRefused(
            f"currency: the ledger already holds invoices and amounts in {saved.currency}; "
            f"it cannot become {creditor.currency}"
        )
    repo.save_creditor(conn, creditor)
    repo.append_event(conn, "creditor.saved", actor=actor, subject=creditor.name)


__all__ = [
    "SetupError",
    "SetupRefused",
    "changed_creditor",
    "checked",
    "creditor_from_toml",
    "init_creditor",
    "update_creditor",
]
