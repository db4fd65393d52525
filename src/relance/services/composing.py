"""An approved action's letter, composed from the ledger as of a day and rendered for each
of its channels (letter, registered letter, e-mail), with what blocks it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from relance.adapters.deliver.addresses import split_addresses
from relance.adapters.render.communication import RenderedCommunication, render_communication
from relance.adapters.render.pdf_page import RenderedLetter
from relance.adapters.render.templates import TemplateProblem, TemplateStore, letter_key
from relance.adapters.storage import repository_documents
from relance.adapters.storage.database import Connection
from relance.core.compliance import ComplianceProblem
from relance.core.letter import ChargeLine, ComposeResult, PreviousLetter, Tone, compose_letter
from relance.core.model import Creditor
from relance.core.policy import Channel
from relance.core.queued import QueuedAction
from relance.services import letter_charges, stage_fees
from relance.services.deposits import deposit_finals
from relance.services.exchanges import exchanges_for_letter
from relance.services.send_facts import SendFacts, read_facts
from relance.services.statement import statement_attachment, with_statement

# The channels that send a document; the others (a call, an agency handoff, a write-off
# review) are tasks for the user.
DOCUMENT_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.REGISTERED_LETTER)
LETTER_CHANNELS = (Channel.LETTER, Channel.REGISTERED_LETTER)


def _template_keys(item: QueuedAction, kind: str) -> dict[Channel, str]:
    keys: dict[Channel, str] = {}
    for channel, key in item.step.templates:
        if channel in DOCUMENT_CHANNELS and channel in item.action.channels:
            # The informal e-mail is named without the kind of debtor in the policies.
            keys[channel] = key if "/" in key else f"{kind}/{key}"
    return keys


def action_reference(item: QueuedAction) -> str:
    """The reference printed on an action's letter: year proposed and action id, stable
    across runs, from which the RF creditor reference is made."""
    return f"{item.action.proposed_on.year}-{item.id:06d}"


def _previous_letters(item: QueuedAction, facts: SendFacts) -> list[PreviousLetter]:
    """Earlier letters to the customer: those kept as evidence, and the document actions
    carried out by hand (not in the evidence) with the day they were done."""
    seen: dict[int, PreviousLetter] = {}
    ref, level = item.action.customer_ref, item.action.level
    for earlier, dated in facts.letters.get(ref, ()):
        if earlier < level:
            seen.setdefault(earlier, PreviousLetter(earlier, dated))
    for other in facts.done.get(ref, ()):
        action = other.action
        sends = [c for c in action.channels if c in DOCUMENT_CHANNELS]
        if 1 <= action.level < level and sends and action.done_on is not None:
            channel = next((c for c in sends if c in LETTER_CHANNELS), sends[0])
            seen.setdefault(action.level, PreviousLetter(action.level, action.done_on, channel))
    return sorted(seen.values(), key=lambda p: (p.sent_on, p.level))


@dataclass(frozen=True, slots=True)
class Composed:
    """An action's letter with what delivering it needs from the ledger."""

    item: QueuedAction
    result: ComposeResult
    creditor: Creditor | None
    keys: Mapping[Channel, str]
    recipients: tuple[str, ...]
    invoice_pdfs: Mapping[str, bytes]  # from relance's document store, never from a path
    # the statement of account its level attaches (file name, PDF): docs/statement.md
    statement: tuple[str, bytes] | None = None


def compose_action(
    conn: Connection, item: QueuedAction, as_of: date,
    chased: Sequence[str] | None = None, facts: SendFacts | None = None,
) -> Composed:  # fmt: skip
    """Compose one queued action's letter from the ledger as of `as_of` (`facts`: read for
    its chunk, else for it alone), claiming only the invoices `chased` when given (those
    the delivery check left), stating what was paid on account and not yet allocated."""
    facts = facts or read_facts(conn, [item], as_of)
    creditor, view = facts.creditor, facts.views[item.action.customer_ref]
    if creditor is None or view.customer is None:
        missing = "the creditor (run relance init)" if creditor is None else "the customer"
        return Composed(item, ComposeResult(None, (f"unknown {missing}",)), creditor, {}, (), {})
    customer = view.customer
    numbers = list(item.action.invoice_numbers if chased is None else chased)
    owed = view.owed
    balances = {invoice.number: balance for invoice, balance in owed if invoice.number in numbers}
    invoices = [invoice for invoice, _ in owed if invoice.number in balances]
    # Each invoice at its own stage: the step claims (and charges) only what it covers;
    # the others are listed apart, as also due.
    also_due = set(numbers).difference(item.action.covered)
    claimed = [number for number in balances if number not in also_due]
    charges, blocking = _charges(conn, item, claimed, as_of, facts)
    if blocking:  # never send partial charges: the action is reported blocked
        return Composed(item, ComposeResult(None, blocking), creditor, {}, (), {})
    keys = _template_keys(item, customer.kind.value)
    letter_key = next((keys[c] for c in LETTER_CHANNELS if c in keys), None)
    key = letter_key or keys.get(Channel.EMAIL, "")
    currency = invoices[0].currency if invoices else ""
    result = compose_letter(
        creditor=creditor,
        customer=customer,
        invoices=invoices,
        balances=balances,
        as_of=as_of,
        level=item.action.level,
        tone=Tone(item.step.tone.value),
        template_key=key.removesuffix("_email") if letter_key is None and "letter" in key else key,
        reference=action_reference(item),
        previous=_previous_letters(item, facts),
        charges=charges,
        registered=Channel.REGISTERED_LETTER in keys,
        exchanges=exchanges_for_letter(facts, customer.ref, invoices),
        credit=view.credit.get(currency),
        stages=_stage_names(item),
        also_due=also_due,
        deposits=deposit_finals(conn, list(balances)),
    )
    if not keys and result.letter is not None:
        result = ComposeResult(None, ("the action has no template for a document",))
    recipients, bad = split_addresses(customer.email)
    if bad and result.letter is not None and Channel.EMAIL in keys:
        shown = ", ".join(repr(address) for address in bad)
        problem = f"customer {customer.ref} has an e-mail address that cannot be used: {shown}"
        result = ComposeResult(None, (problem,))
    pdfs = repository_documents.invoice_pdfs(conn, [invoice.number for invoice in invoices])
    composed = Composed(item, result, creditor, keys, recipients, pdfs)
    return _with_statement(conn, composed, as_of, facts.policy_texts)


def _charges(
    conn: Connection, item: QueuedAction, claimed: list[str], as_of: date, facts: SendFacts
) -> tuple[tuple[ChargeLine, ...], tuple[str, ...]]:
    """The charges the letter states for the invoices `claimed`, and what blocks it."""
    if not claimed:
        return (), ()
    step = stage_fees.step_of(conn, item.action, item.step, facts.policy_texts)
    ref = item.action.customer_ref
    claim = letter_charges.letter_claim(conn, ref, claimed, as_of, step, facts.claims)
    return tuple(ChargeLine(r.label, r.amount, r.explanation) for r in claim.rows), claim.blocking


def _with_statement(
    conn: Connection, composed: Composed, as_of: date, texts: tuple[tuple[str, str], ...]
) -> Composed:
    """The composed action with the statement of account its level attaches, in the
    letter's language (docs/statement.md)."""
    letter = composed.result.letter
    if letter is None:
        return composed
    attached = statement_attachment(conn, composed.item.action, as_of, letter.language, texts)
    return composed if attached is None else dataclasses.replace(composed, statement=attached)


def _stage_names(item: QueuedAction) -> dict[str, str]:
    """Each invoice's step in this action: the action's level for those it covers, else
    the stage the proposal recorded for it."""
    names = {number: item.action.level_name for number in item.action.covered}
    names.update((invoice.number, invoice.stage_name) for invoice in item.step.invoices)
    return names


def render_action(
    composed: Composed, templates: TemplateStore
) -> tuple[dict[Channel, RenderedCommunication], tuple[str, ...]]:
    """Render and check each document channel of a composed action; returns the rendered
    communications and the problems (empty when everything may be sent)."""
    letter = composed.result.letter
    if letter is None:
        return {}, composed.result.problems
    rendered: dict[Channel, RenderedCommunication] = {}
    problems: list[str] = []
    # A letter's e-mail copy attaches the very PDF printed: drawn and checked once,
    # letters first (a letter channel's problems are those of its PDF's text).
    drawn: dict[str, tuple[RenderedLetter, tuple[ComplianceProblem, ...] | None]] = {}
    for channel, key in sorted(composed.keys.items(), key=lambda k: k[0] not in LETTER_CHANNELS):
        pdf, checked = drawn.get(letter_key(key), (None, None))
        try:
            done = render_communication(
                letter, channel.value, templates, template_key=key, drawn=pdf,
                drawn_problems=checked,
            )  # fmt: skip
        except TemplateProblem as exc:
            problems.append(str(exc))
            continue
        if done.pdf is not None:
            only_pdf = channel in LETTER_CHANNELS and done.email is None
            drawn.setdefault(letter_key(key), (done.pdf, done.problems if only_pdf else None))
        rendered[channel] = done
        problems += [f"{channel.value}: {p.message}" for p in done.problems]
    rendered = {channel: rendered[channel] for channel in composed.keys if channel in rendered}
    if composed.statement is not None:  # the printed letter carries it as extra pages
        rendered.update((c, with_statement(r, composed.statement[1]))
                        for c, r in rendered.items() if c in LETTER_CHANNELS)  # fmt: skip
    if Channel.EMAIL in rendered and not composed.recipients and not _has_letter(composed):
        problems.append(f"customer {letter.debtor.ref} has no e-mail address")
    return rendered, tuple(problems)


def _has_letter(composed: Composed) -> bool:
    return any(channel in composed.keys for channel in LETTER_CHANNELS)
