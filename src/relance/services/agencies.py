"""The collection agencies the creditor works with: add or update one (by hand or from a
TOML file), list them, show one, and the check made before a claim is handed to one
(CPCE R124-2: insurance and an account for collected funds; docs/after-notice.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from relance.adapters.formats.agency_file import read_agencies
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_agencies as agency_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.agencies import Agency, check_agency, guarantee_refusal


class AgencyRefused(ValueError):
    """A claim cannot go to this agency: the reason names what is missing."""


def save_agency(store: Store, agency: Agency, actor: str = "user") -> tuple[Agency, bool]:
    """Check and record an agency (replacing the record of one with its name); returns it
    in its standard form and whether it is new. `AgencyProblem` names a wrong field."""
    checked = check_agency(agency)
    with store.begin() as conn:
        new = agency_repo.save_agency(conn, checked)
        repo.append_event(
            conn, "agency.saved", actor=actor, subject=checked.name,
            data={"siren": checked.siren, "new": new},
        )  # fmt: skip
    return checked, new


def import_agencies(store: Store, path: Path, actor: str = "user") -> list[tuple[Agency, bool]]:
    """Record every agency of a TOML file, all or none (`FormatError` names the agency,
    the field and why)."""
    agencies = read_agencies(path)
    done = []
    with store.begin() as conn:
        for agency in agencies:
            new = agency_repo.save_agency(conn, agency)
            repo.append_event(
                conn, "agency.saved", actor=actor, subject=agency.name,
                data={"siren": agency.siren, "new": new, "file": str(path)},
            )  # fmt: skip
            done.append((agency, new))
    return done


def list_agencies(store: Store) -> list[Agency]:
    """Every agency on record, by name."""
    with store.begin() as conn:
        return agency_repo.load_agencies(conn)


def need_agency(conn: Connection, name: str) -> Agency:
    """The agency `name`; LookupError naming it when there is none."""
    found = agency_repo.load_agencies(conn, [name])
    if not found:
        raise LookupError(f"no agency named {name!r} (add it with relance agency add)")
    return found[0]


def show_agency(store: Store, name: str, on: date) -> tuple[Agency, str | None]:
    """The agency `name` and why it cannot take a claim on `on` (None when it can)."""
    with store.begin() as conn:
        agency = need_agency(conn, name)
    return agency, guarantee_refusal(agency, on)


def agency_for_handoff(conn: Connection, name: str, on: date) -> Agency:
    """The agency `name`, if it may take a claim on `on`; `AgencyRefused` saying what is
    missing otherwise."""
    agency = need_agency(conn, name)
    refusal = guarantee_refusal(agency, on)
    if refusal is not None:
        raise AgencyRefused(refusal)
    return agency
