"""An invoice changed by a later import: when it may be, and the trace it leaves.

Re-importing an invoice with another amount or due date corrects it, as long as nothing
was built on the old figures. Once it was dunned (a letter or e-mail sent for it), paid in
part, under a formal notice or sent to an agency, the change is refused unless the user
asks for it (`--allow-changes`): a debtor was told the old figures. Every change is an
event with the old and the new values, shown by `relance history`.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from relance.adapters.formats.errors import FormatError
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_invoice_changes as invoice_locks
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage.database import Connection
from relance.core.model import Invoice
from relance.core.money import Money

_SHOWN = ("issue_date", "due_date", "amount", "tax", "subject", "pdf_path")


def differences(old: Invoice, new: Invoice) -> dict[str, tuple[str, str]]:
    """The fields that differ, as (old, new) text."""
    return {
        f.name: (str(getattr(old, f.name)), str(getattr(new, f.name)))
        for f in fields(Invoice)
        if f.name in _SHOWN and getattr(old, f.name) != getattr(new, f.name)
    }


def why_locked(conn: Connection, invoice_id: int, old: Invoice) -> str | None:
    """Why this invoice's figures may no longer change silently, or None."""
    applied = repo.allocated_minor(conn, invoice_id)
    if applied:
        return f"{Money.from_minor(applied, old.currency)} was already applied to it"
    dunned = _when_dunned(conn, old)
    if dunned:
        return dunned
    notice = invoice_locks.first_formal_notice(conn, invoice_id)
    if notice is not None:
        return f"it is under a formal notice of {notice}"
    handoff = invoice_locks.agency_handoff(conn, invoice_id)
    if handoff is not None:
        agency, day = handoff
        return f"it was sent to {agency} on {day}"
    return None


def _when_dunned(conn: Connection, old: Invoice) -> str | None:
    """The first step that told the debtor about this invoice (see `steps_that_told`)."""
    told = sorted(
        (step.day, step.level)
        for step in rl.steps_that_told(conn, [old.customer_ref])
        if old.number in step.invoice_numbers
    )
    if not told:
        return None
    day, level = told[0]
    return f"it was dunned ({level} of {day})"


def check_update(
    conn: Connection, path: Path, line: int, old: Invoice, new: Invoice, allow_changes: bool
) -> str:
    """An invoice may be corrected by a later import, unless that breaks what was matched,
    or (without `allow_changes`) a debtor was already told its figures. Returns why the
    change needed allowing ("" when it did not)."""
    if old.customer_ref != new.customer_ref:
        raise FormatError(
            path,
            str(line),
            "customer",
            f"invoice {new.number} belongs to {old.customer_ref!r} in the ledger, not "
            f"{new.customer_ref!r}",
        )
    invoice_id = repo.invoice_ids(conn, [old.number])[old.number]
    applied = repo.allocated_minor(conn, invoice_id)
    if applied and (old.currency != new.currency or new.amount.to_minor() < applied):
        raise FormatError(
            path,
            str(line),
            "amount",
            f"invoice {new.number} already has {Money.from_minor(applied, old.currency)} "
            f"applied to it; it cannot become {new.amount}",
        )
    locked = why_locked(conn, invoice_id, old)
    if locked and not allow_changes:
        changed = "; ".join(
            f"{name} {before} → {after}" for name, (before, after) in differences(old, new).items()
        )
        raise FormatError(
            path, str(line), "number",
            f"invoice {new.number} would change ({changed}) but {locked}; "
            "pass --allow-changes to change it all the same",
        )  # fmt: skip
    return locked or ""


def record_change(
    conn: Connection, old: Invoice, new: Invoice, *, file: str, line: int, actor: str, why: str
) -> dict[str, Any]:
    """Append the event of one change (old and new values); returns it for the summary."""
    changed = differences(old, new)
    text = "; ".join(f"{name} {before} → {after}" for name, (before, after) in changed.items())
    data = {
        "invoice": new.number,
        "file": file,
        "line": line,
        "old": {name: before for name, (before, _) in changed.items()},
        "new": {name: after for name, (_, after) in changed.items()},
        "forced": why,
    }
    repo.append_event(
        conn, "invoice_changed", actor=actor, customer_ref=new.customer_ref,
        subject=new.number, data=data, reason=text + (f" (allowed although {why})" if why else ""),
    )  # fmt: skip
    return data


def cannot_restore(conn: Connection, change: dict[str, Any]) -> str | None:
    """Why an invoice a recorded change touched cannot get its old values back, or None
    (also None when the invoice is gone: there is nothing to put back)."""
    number = str(change["invoice"])
    current = repo.existing_invoices(conn, [number]).get(number)
    if current is None:
        return None
    if {name: str(getattr(current, name)) for name in change["new"]} != change["new"]:
        return f"invoice {number} was changed again since this import"
    return None


def restore(conn: Connection, change: dict[str, Any]) -> bool:
    """Put back the old values of one recorded change (the caller checked
    `cannot_restore`); False when the invoice is no longer in the ledger."""
    number = str(change["invoice"])
    current = repo.existing_invoices(conn, [number]).get(number)
    if current is None:
        return False
    invoice_locks.put_back_invoice_fields(conn, number, current.currency, change["old"])
    return True
