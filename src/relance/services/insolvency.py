"""Customers in insolvency proceedings (docs/prevention.md): the BODACC notices read and
matched to customers by SIREN, each case's state, the declaration task with its deadline,
and the write-off a closing for lack of assets calls for.

An opening judgment puts the customer in proceedings from the judgment's date (the daily
run proposes nothing more to it, pending actions are cancelled, no letter claims interest);
a plan adopted keeps it there (the plan pays the declared debts); a closing for lack of
assets keeps it there too and proposes writing its invoices off; another closing ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.formats.bodacc import read_bodacc
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_insolvency as irepo
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage.database import Connection, Store
from relance.core.insolvency import (
    BodaccNotice,
    DeclarationTask,
    InsolvencyCase,
    NoticeEffect,
    TaskState,
    apply_notice,
    declaration_task,
    outside_metropolitan_france,
)
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.core.writeoff import WriteOffDecision, WriteOffReason, decide_write_off
from relance.services.proceedings import start_proceeding, stop_proceedings
from relance.services.rule_sets import need_creditor

ACTOR = "bodacc"


@dataclass(frozen=True, slots=True)
class NoticeOutcome:
    """What one notice did to one customer."""

    notice_id: str
    customer_ref: str
    published: date
    nature: str
    outcome: str  # opened, updated, closed, noted, already read


@dataclass(frozen=True, slots=True)
class BodaccReport:
    """What `import_bodacc` read: the notices with a judgment, those matched to a customer
    and what each did."""

    path: Path
    notices: int
    matched: tuple[NoticeOutcome, ...]


def import_bodacc(store: Store, path: Path, *, actor: str = ACTOR) -> BodaccReport:
    """Read a BODACC export and apply its notices to the customers whose SIREN they name,
    oldest judgment first, in one transaction. FormatError for a bad file (nothing
    written)."""
    notices = sorted(
        read_bodacc(path),
        key=lambda n: (n.judgment_date or n.published, n.published, n.notice_id),
    )
    outcomes: list[NoticeOutcome] = []
    with store.begin() as conn:
        by_siren = irepo.customers_by_siren(conn)
        for notice in notices:
            refs = sorted({ref for siren in notice.sirens for ref in by_siren.get(siren, ())})
            for ref in refs:
                outcome = _apply(conn, notice, ref, actor)
                outcomes.append(
                    NoticeOutcome(
                        notice.notice_id, ref, notice.published, notice.judgment_nature, outcome
                    )
                )
    return BodaccReport(path, len(notices), tuple(outcomes))


def _apply(conn: Connection, notice: BodaccNotice, ref: str, actor: str) -> str:
    """Apply one notice to one customer; returns what it did."""
    if not irepo.add_notice(conn, notice, ref):
        return "already read"
    current = irepo.current_case(conn, ref)
    case = apply_notice(current[1] if current else None, notice, ref)
    repo.append_event(
        conn, "bodacc.notice", actor=actor, customer_ref=ref, subject=notice.notice_id,
        data={"published": notice.published.isoformat(), "nature": notice.judgment_nature,
              "effect": notice.effect.value, "court": notice.court},
        reason=notice.judgment_nature, dated=notice.judgment_date or notice.published,
    )  # fmt: skip
    if case is None:
        return "noted"
    if current is None or case.state is NoticeEffect.OPENING:
        _open_case(conn, case, actor)
        return "opened"
    irepo.update_case(conn, current[0], case)
    if case.state is NoticeEffect.CLOSED:
        when = case.state_on or notice.published
        if any(p.active(when) for p in runs.load_proceedings(conn, [ref])):
            stop_proceedings(conn, ref, when, notice.judgment_nature, actor)
        return "closed"
    return "updated"


def _open_case(conn: Connection, case: InsolvencyCase, actor: str) -> None:
    """Record a new case and, unless the customer is already in insolvency proceedings
    (a liquidation pronounced during a redressement), the proceeding that stops its
    collection from the judgment's date."""
    active = [
        p
        for p in runs.load_proceedings(conn, [case.customer_ref])
        if p.kind is ProceedingKind.INSOLVENCY and p.active(case.opened)
    ]
    proceeding_id = None
    if not active:
        note = f"{case.procedure.value} judiciaire – {case.court}".strip(" –")
        proceeding = Proceeding(case.customer_ref, ProceedingKind.INSOLVENCY, case.opened, note)
        proceeding_id = start_proceeding(conn, proceeding, actor)
    irepo.add_case(conn, case, proceeding_id)


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One customer's case as of a day: its state and the declaration task."""

    customer_ref: str
    name: str
    case: InsolvencyCase
    task: DeclarationTask


def cases(store: Store, as_of: date, customer_ref: str | None = None) -> list[CaseLine]:
    """Every customer's latest case with its declaration task as of `as_of`."""
    with store.begin() as conn:
        return _case_lines(conn, as_of, None if customer_ref is None else [customer_ref])


def _case_lines(conn: Connection, as_of: date, refs: list[str] | None) -> list[CaseLine]:
    creditor = repo.load_creditor(conn)
    abroad = creditor is not None and outside_metropolitan_france(
        creditor.country, creditor.address.postal_code
    )
    found = irepo.load_cases(conn, refs)
    names = {c.ref: c.name for c in repo.load_customers(conn, [c.customer_ref for c in found])}
    declared = irepo.latest_declarations(conn, [c.customer_ref for c in found])
    return [
        CaseLine(
            case.customer_ref,
            names.get(case.customer_ref, ""),
            case,
            declaration_task(
                case,
                declared[case.customer_ref][1] if case.customer_ref in declared else None,
                as_of,
                abroad,
            ),
        )
        for case in found
    ]


def declaration_tasks(store: Store, as_of: date) -> list[CaseLine]:
    """The claims to declare (or to ask relief for) as of `as_of`, the nearest deadline
    first: what the Today page lists."""
    wanted = (TaskState.TO_DECLARE, TaskState.LATE)
    lines = [line for line in cases(store, as_of) if line.task.state in wanted]
    return sorted(lines, key=lambda line: (line.task.deadline or as_of, line.customer_ref))


def write_off_proposals(store: Store, as_of: date) -> list[WriteOffDecision]:
    """For each customer whose liquidation was closed for lack of assets, the write-off of
    each invoice still open on `as_of`, with the VAT it recovers (not recorded: `relance
    writeoff` records it)."""
    proposals: list[WriteOffDecision] = []
    with store.begin() as conn:
        closed = [c for c in irepo.load_cases(conn) if c.state is NoticeEffect.CLOSED_NO_ASSETS]
        for case in closed:
            for invoice, balance in repo.open_invoice_balances(conn, as_of, case.customer_ref):
                note = (
                    f"clôture pour insuffisance d'actif du {(case.state_on or as_of).isoformat()}"
                )
                proposals.append(
                    decide_write_off(invoice, balance, as_of, WriteOffReason.INSOLVENCY, note)
                )
    return proposals


def open_case_by_hand(
    store: Store, case: InsolvencyCase, *, note: str = "", actor: str = "user"
) -> None:
    """Record a case the user read elsewhere (the court's letter, a notice not imported):
    the customer is in proceedings from `case.opened`, and the declaration task follows
    from `case.published`. LookupError for an unknown customer."""
    with store.begin() as conn:
        proceeding = Proceeding(case.customer_ref, ProceedingKind.INSOLVENCY, case.opened, note)
        irepo.add_case(conn, case, start_proceeding(conn, proceeding, actor))


def need_case(conn: Connection, customer_ref: str) -> tuple[int, InsolvencyCase]:
    """The customer's latest case (LookupError when it has none)."""
    need_creditor(conn)
    found = irepo.current_case(conn, customer_ref)
    if found is None:
        raise LookupError(
            f"customer {customer_ref} has no insolvency case: import its BODACC notice, or "
            "`relance proceedings add` it"
        )
    return found
