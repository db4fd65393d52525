"""Use cases: list the files imported, and take one back out (`relance imports undo`).

Undoing an import removes what that file wrote (customers it created, invoices, credit
notes, payments, allocations, bank statement lines) and puts back the invoices it changed.
When later records depend on it (a letter sent for one of its invoices, a payment applied
to one of them afterwards), the undo is refused with the reasons, unless `cascade`. The
undo is one transaction and an event in the history of every customer it touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from relance.adapters.storage import import_undo
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_imports as imports_repo
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_imports import ImportRecord
from relance.services import invoice_changes


class UndoRefused(Exception):
    """Later records depend on the import; the reasons say which."""

    def __init__(self, import_id: int, reasons: list[str]) -> None:
        self.import_id = import_id
        self.reasons = tuple(reasons)
        shown = "; ".join(reasons[: import_undo.MAX_REASONS])
        more = len(reasons) - import_undo.MAX_REASONS
        tail = f" and {more} more" if more > 0 else ""
        super().__init__(
            f"import #{import_id} cannot be undone: {shown}{tail}. "
            "Pass --cascade to remove these too (letters already sent stay in the history)"
        )


class AlreadyUndone(Exception):
    """The import was undone before: there is nothing left of it to remove."""

    def __init__(self, import_id: int, undone_at: datetime) -> None:
        self.import_id = import_id
        self.undone_at = undone_at
        super().__init__(f"import #{import_id} was already undone on {undone_at:%Y-%m-%d}")


@dataclass(frozen=True, slots=True)
class UndoReport:
    """What an undo removed and put back."""

    import_id: int
    file_name: str
    kind: str
    removed: dict[str, int]
    restored: tuple[str, ...]  # invoices given back their values from before the import
    kept_customers: tuple[str, ...]  # created by the import, still named by other records
    cascaded: tuple[str, ...]  # what stood in the way and was removed with it


def list_imports(store: Store) -> list[ImportRecord]:
    """Every import, oldest first, undone ones included."""
    with store.begin() as conn:
        return imports_repo.imports(conn)


def undo_import(
    store: Store, import_id: int, *, cascade: bool = False, actor: str = "cli"
) -> UndoReport:
    """Remove what one import wrote (LookupError: no such import; AlreadyUndone;
    UndoRefused: later records depend on it and `cascade` is not given)."""
    with store.begin() as conn:
        record = imports_repo.load_import(conn, import_id)
        if record is None:
            raise LookupError(f"no import #{import_id} (see `relance imports`)")
        if record.undone_at is not None:
            raise AlreadyUndone(import_id, record.undone_at)
        plan = import_undo.plan_undo(conn, import_id)
        changes = list(record.summary.get("changed") or [])
        reasons = list(plan.blockers)
        reasons += [why for c in changes if (why := invoice_changes.cannot_restore(conn, c))]
        if reasons and not cascade:
            raise UndoRefused(import_id, reasons)
        restored = []
        for change in reversed(changes):
            if invoice_changes.restore(conn, change):
                restored.append(str(change["invoice"]))
        import_undo.apply_undo(conn, plan)
        at = datetime.now(UTC)
        imports_repo.mark_undone(conn, import_id, at)
        report = UndoReport(
            import_id, record.file_name, record.kind, plan.removed(), tuple(restored),
            tuple(plan.kept_customers), tuple(reasons),
        )  # fmt: skip
        data = {
            "import_id": import_id, "file": record.file_name, "sha256": record.sha256,
            "removed": report.removed, "restored": list(restored), "cascaded": list(reasons),
        }  # fmt: skip
        why = f"import #{import_id} of {record.file_name} undone"
        for customer in sorted(plan.customers):
            repo.append_event(
                conn, "import_undone", actor=actor, customer_ref=customer,
                subject=record.file_name, data=data, reason=why, at=at,
            )  # fmt: skip
        repo.append_event(
            conn, "import_undone", actor=actor, subject=record.file_name, data=data,
            reason=why, at=at,
        )  # fmt: skip
        return report
