"""Taking one import back out of the ledger: what it wrote, what depends on it, removing it.

`plan_undo` reads what an import wrote (rows carrying its `import_id`) and what was
recorded later on top of it: an allocation made by another file or by hand, a letter sent
for one of its invoices, a formal notice, a dispute, an agency handoff, a write-off, a
payment plan, records of another file for a customer it created. `apply_undo` removes
what the import wrote and the flags raised on its invoices; with `cascade`, also the later
allocations and the facts recorded on its invoices (letters already sent stay in the
history: they were sent). A customer that other records still name is kept. An agency's
recoveries file (`relance import agency-recoveries`) takes its recoveries with it (the fee
kept apart and the claim's state at the agency that each one moved on); a later recovery of
the same agency on the same invoice stands in the way, since its fee counted this file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, delete, or_, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_agencies as ta
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage import tables_deposits as tdep
from relance.adapters.storage import tables_dunning as td
from relance.adapters.storage import tables_law as tl
from relance.adapters.storage.lists import decode_list
from relance.adapters.storage.repository_imports import written_ids
from relance.adapters.storage.repository_letters import steps_that_told
from relance.adapters.storage.schema import metadata
from relance.core.bulk import chunks

# facts recorded on one invoice, by invoice id: removed with it under --cascade
_INVOICE_FACTS: tuple[tuple[Table, str], ...] = (
    (tl.law_formal_notices, "a formal notice"),
    (tl.law_interruptions, "a limitation interruption"),
    (tl.law_write_offs, "a write-off"),
    (tl.law_agency_handoffs, "an agency handoff"),
    (ta.claim_routes, "a route chosen after the formal notice"),
    (ta.agency_recoveries, "a recovery by an agency"),
    (tl.law_invoice_terms, "its own payment terms"),
)
MAX_REASONS = 10


@dataclass
class UndoPlan:
    """What undoing one import removes, and what stands in the way."""

    import_id: int
    ids: dict[str, list[int]]
    numbers: list[str] = field(default_factory=list)  # its invoices
    sources: list[str] = field(default_factory=list)  # its payments' keys, credit notes
    later_allocations: list[int] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    kept_customers: list[str] = field(default_factory=list)
    customers: set[str] = field(default_factory=set)  # whose ledger changes

    def removed(self) -> dict[str, int]:
        """Rows removed, by table."""
        counts = {name: len(ids) for name, ids in self.ids.items() if ids}
        if self.later_allocations:
            counts["later allocations"] = len(self.later_allocations)
        return counts


def _in(column: Any, values: Sequence[Any]) -> Any:
    return or_(*(column.in_(chunk) for chunk in chunks(values))) if values else column.in_([])


def _select_in(conn: Connection, columns: Iterable[Any], column: Any, values: Sequence[Any]) -> Any:
    return conn.execute(select(*columns).where(_in(column, values))).all() if values else []


def plan_undo(conn: Connection, import_id: int) -> UndoPlan:
    """What undoing `import_id` would remove, and why it cannot be done without cascade."""
    plan = UndoPlan(import_id, written_ids(conn, import_id))
    ids = plan.ids
    inv, pay, notes, cust = t.invoices, t.payments, t.credit_notes, t.customers
    plan.numbers = [n for (n,) in _select_in(conn, [inv.c.number], inv.c.id, ids["invoices"])]
    plan.sources = [k for (k,) in _select_in(conn, [pay.c.key], pay.c.id, ids["payments"])]
    plan.sources += [
        n for (n,) in _select_in(conn, [notes.c.number], notes.c.id, ids["credit_notes"])
    ]
    for table in (inv, pay, notes):
        plan.customers.update(
            ref
            for (ref,) in conn.execute(
                select(cust.c.ref)
                .join(table, table.c.customer_id == cust.c.id)
                .where(_in(table.c.id, ids[table.name]))
            )
        )
    _later_allocations(conn, plan)
    _agency_recoveries(conn, plan)
    _letters_and_facts(conn, plan)
    _customers_still_named(conn, plan)
    return plan


def _reason(plan: UndoPlan, text: str) -> None:
    plan.blockers.append(text)


def _later_allocations(conn: Connection, plan: UndoPlan) -> None:
    alloc, inv = t.allocations, t.invoices
    on_ours = _in(alloc.c.invoice_id, plan.ids["invoices"])
    from_ours = _in(alloc.c.source, plan.sources)
    query = (
        select(alloc.c.id, alloc.c.source, inv.c.number, alloc.c.import_id)
        .join(inv, inv.c.id == alloc.c.invoice_id)
        .where(or_(on_ours, from_ours))
        .where(or_(alloc.c.import_id.is_(None), alloc.c.import_id != plan.import_id))
    )
    for id_, source, number, other in conn.execute(query):
        plan.later_allocations.append(int(id_))
        by = f"import #{other}" if other is not None else "a later match"
        _reason(plan, f"{source} was applied to invoice {number} by {by}")


def _agency_recoveries(conn: Connection, plan: UndoPlan) -> None:
    """The recoveries the file's payments came from, the state each one recorded at the
    agency, and the later recoveries whose fee counted them (blockers)."""
    rec, agencies, states, inv = (
        ta.agency_recoveries,
        ta.agencies,
        tl.law_agency_handoffs,
        t.invoices,
    )
    query = (
        select(rec.c.id, rec.c.agency_id, rec.c.invoice_id, rec.c.reference, agencies.c.name)
        .join(agencies, agencies.c.id == rec.c.agency_id)
        .where(_in(rec.c.payment_key, plan.sources))
    )
    ours = conn.execute(query).all() if plan.sources else []
    plan.ids["agency_recoveries"] = [int(row.id) for row in ours]
    plan.ids["law_agency_handoffs"] = []
    for row in ours:
        moved = select(states.c.id).where(
            states.c.invoice_id == row.invoice_id,
            states.c.agency == row.name,
            states.c.note == f"recovery {row.reference}",
        )
        plan.ids["law_agency_handoffs"] += [int(i) for (i,) in conn.execute(moved)]
        later = (
            select(rec.c.reference, inv.c.number)
            .join(inv, inv.c.id == rec.c.invoice_id)
            .where(rec.c.agency_id == row.agency_id, rec.c.invoice_id == row.invoice_id)
            .where(rec.c.id > row.id, rec.c.id.not_in(plan.ids["agency_recoveries"]))
        )
        for reference, number in conn.execute(later):
            _reason(plan, f"{row.name}'s later recovery {reference} on invoice {number} "
                    f"counted {row.reference} in its fee")  # fmt: skip


def _letters_and_facts(conn: Connection, plan: UndoPlan) -> None:
    ours = set(plan.numbers)
    if not ours:
        return
    for step in steps_that_told(conn, sorted(plan.customers)):
        named = sorted(ours.intersection(step.invoice_numbers))
        if named:
            what = f"{step.level} sent to {step.customer_ref} on {step.day}"
            _reason(plan, f"{what} for invoice {', '.join(named)}")
    for table, what in _INVOICE_FACTS:
        rows = _select_in(conn, [table.c.invoice_id], table.c.invoice_id, plan.ids["invoices"])
        if rows:
            _reason(plan, f"{len(rows)} invoice(s) of this file have {what} recorded")
    for table, what in ((td.disputes, "a dispute"),):
        rows = _select_in(conn, [table.c.invoice_number], table.c.invoice_number, plan.numbers)
        for (number,) in rows:
            _reason(plan, f"invoice {number} has {what} recorded")
    for key, numbers in conn.execute(
        select(td.payment_plans.c.key, td.payment_plans.c.invoice_numbers).where(
            td.payment_plans.c.customer_ref.in_(sorted(plan.customers))
        )
    ):
        if ours.intersection(decode_list(numbers)):
            _reason(plan, f"payment plan {key} covers invoices of this file")


def _customers_still_named(conn: Connection, plan: UndoPlan) -> None:
    """A customer the import created stays when records of other origins name it."""
    cust = t.customers
    ours = _select_in(conn, [cust.c.id, cust.c.ref], cust.c.id, plan.ids["customers"])
    keep: list[int] = []
    for customer_id, ref in ours:
        for table in (t.invoices, t.payments, t.credit_notes):
            other = conn.execute(
                select(table.c.id)
                .where(table.c.customer_id == customer_id)
                .where(or_(table.c.import_id.is_(None), table.c.import_id != plan.import_id))
                .limit(1)
            ).first()
            if other is not None:
                keep.append(customer_id)
                plan.kept_customers.append(ref)
                break
    named = _named_by_reference(conn, [ref for customer_id, ref in ours if customer_id not in keep])
    for customer_id, ref in ours:
        if ref in named and customer_id not in keep:
            keep.append(customer_id)
            plan.kept_customers.append(ref)
    plan.ids["customers"] = [i for i in plan.ids["customers"] if i not in keep]


def _named_by_reference(conn: Connection, refs: Sequence[str]) -> set[str]:
    """The customers among `refs` that a row of the dunning, bank or letter tables names
    (a foreign key on `customers.ref` holds them)."""
    named: set[str] = set()
    for table in metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column is t.customers.c.ref:
                column = key.parent
                rows = _select_in(conn, [column], column, refs)
                named.update(ref for (ref,) in rows)
    return named


def apply_undo(conn: Connection, plan: UndoPlan) -> None:
    """Remove what the import wrote, and (the caller allowed it) what depended on it."""
    alloc = t.allocations
    _delete(conn, alloc, alloc.c.id, plan.ids["allocations"] + plan.later_allocations)
    for table in (ta.agency_recoveries, tl.law_agency_handoffs):
        _delete(conn, table, table.c.id, plan.ids.get(table.name, []))
    for table, _what in _INVOICE_FACTS:
        _delete(conn, table, table.c.invoice_id, plan.ids["invoices"])
    _delete(conn, td.disputes, td.disputes.c.invoice_number, plan.numbers)
    # what the daily run noticed about an invoice goes with the invoice
    _delete(conn, td.dunning_flags, td.dunning_flags.c.invoice_number, plan.numbers)
    # so does its mark as a deposit invoice (a deducted one has allocations: a blocker)
    deposits = tdep.deposit_invoices
    _delete(conn, deposits, deposits.c.invoice_id, plan.ids["invoices"])
    txs = tb.bank_transactions
    keys = [k for (k,) in _select_in(conn, [txs.c.key], txs.c.id, plan.ids["bank_transactions"])]
    sug = tb.bank_suggestions
    _delete(conn, sug, sug.c.transaction_key, keys)
    for table in (txs, t.payments, t.credit_notes, t.invoices, t.customers):
        _delete(conn, table, table.c.id, plan.ids[table.name])


def _delete(conn: Connection, table: Table, column: Any, values: Sequence[Any]) -> None:
    for chunk in chunks(list(values)):
        conn.execute(delete(table).where(column.in_(chunk)))
