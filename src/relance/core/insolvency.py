"""A business debtor in French insolvency proceedings: the court notices that say so, and
the deadlines they start (docs/prevention.md, docs/law.md "Debtors in insolvency").

The opening judgment of a sauvegarde, a redressement or a liquidation judiciaire forbids
any demand for payment of a debt born before it (C. com. L622-21, L631-14, L641-3): the
creditor declares the claim to the mandataire judiciaire (or liquidateur) instead, within
two months of the judgment's publication in the BODACC, four for a creditor who does not
live in metropolitan France (L622-24, R622-24). A late creditor may ask to be relieved of
the foreclosure within six months of that publication (L622-26). Later notices change the
case: a plan adopted, a closing for lack of assets (the loss is then definite).

Everything here is a function of the records given and of `as_of`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.court_days import extended_deadline
from relance.core.plans import Frequency

DECLARATION_MONTHS = 2  # R622-24 al. 1
ABROAD_EXTRA_MONTHS = 2  # R622-24 al. 2: outside metropolitan France
RELIEF_MONTHS = 6  # L622-26 al. 3


class Procedure(StrEnum):
    """The collective procedure a customer is in."""

    SAUVEGARDE = "sauvegarde"
    REDRESSEMENT = "redressement"
    LIQUIDATION = "liquidation"
    SURENDETTEMENT = "surendettement"  # a consumer's over-indebtedness (C. conso. L722-2)


class NoticeEffect(StrEnum):
    """What a BODACC notice does to a customer's case."""

    OPENING = "opening"  # opens the proceedings: collection stops, the claim is declared
    PLAN_ADOPTED = "plan_adopted"  # sauvegarde or redressement plan: paid by the plan
    CLOSED_NO_ASSETS = "closed_no_assets"  # clôture pour insuffisance d'actif: the loss
    CLOSED = "closed"  # another closing (extinction du passif): the case ends
    OTHER = "other"  # a notice relance does not act on (état des créances, appeal ...)


@dataclass(frozen=True, slots=True)
class BodaccNotice:
    """One notice of the BODACC's commercial notices (annonces commerciales).

    `sirens` are the nine-digit SIREN numbers the notice's register field names;
    `judgment_*` come from its judgment (famille, nature, date, complementJugement).
    """

    notice_id: str
    published: date
    number: str
    family: str
    court: str
    name: str
    city: str
    sirens: tuple[str, ...]
    judgment_family: str = ""
    judgment_nature: str = ""
    judgment_date: date | None = None
    complement: str = ""

    @property
    def effect(self) -> NoticeEffect:
        """What the notice does (`classify`)."""
        return classify(self.judgment_family, self.judgment_nature)[0]

    @property
    def procedure(self) -> Procedure | None:
        """The procedure it names, if any."""
        return classify(self.judgment_family, self.judgment_nature)[1]


def _plain(text: str) -> str:
    """Lower case without accents or apostrophe variants, for reading a nature's words;
    one character for each of `text`'s, so that a position in it is one in `text`."""
    lowered = text.replace("\u2019", "'")
    return "".join(_fold(ch) for ch in lowered)


def _fold(ch: str) -> str:
    """One character without its accent, in lower case (itself when that is not one)."""
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    lower = base.lower()
    return lower if len(lower) == 1 else ch


def classify(family: str, nature: str) -> tuple[NoticeEffect, Procedure | None]:
    """The effect and procedure of a judgment from its family and nature, as the BODACC
    words them ("Jugement d'ouverture de liquidation judiciaire", "Jugement de clôture
    pour insuffisance d'actif", "Jugement arrêtant le plan de redressement" ...)."""
    words = _plain(f"{family} {nature}")
    procedure = None
    for name, found in (
        ("liquidation", Procedure.LIQUIDATION),
        ("redressement", Procedure.REDRESSEMENT),
        ("sauvegarde", Procedure.SAUVEGARDE),
    ):
        if name in words:
            procedure = found
            break
    if "cloture" in words:
        if "insuffisance d'actif" in words:
            return NoticeEffect.CLOSED_NO_ASSETS, procedure
        return NoticeEffect.CLOSED, procedure
    if "plan" in words and "cession" not in words and ("arretant" in words or "adopt" in words):
        return NoticeEffect.PLAN_ADOPTED, procedure
    opening = "ouverture" in words or ("prononcant" in words and "liquidation" in words)
    if opening and procedure is not None and "extension" not in words:
        return NoticeEffect.OPENING, procedure
    return NoticeEffect.OTHER, procedure


def representative(complement: str) -> str:
    """The mandataire judiciaire or liquidateur named in a judgment's free text, from the
    office's title to the end of its sentence ("" when the text names none)."""
    plain = _plain(complement)
    for title in ("liquidateur", "mandataire judiciaire", "mandataire"):
        start = plain.find(title)
        if start >= 0:
            end = len(complement)
            for stop in (". ", " ; ", ";"):
                at = complement.find(stop, start)
                if at >= 0:
                    end = min(end, at)
            named = complement[start:end].strip(" :,.")
            return named[:1].upper() + named[1:]
    return ""


def outside_metropolitan_france(country: str, postal_code: str) -> bool:
    """True for a creditor outside metropolitan France: abroad, or in an overseas
    département or collectivity (postal codes 97xxx and 98xxx), which R622-24 gives two
    months more."""
    if country.upper() != "FR":
        return True
    return postal_code.strip()[:2] in ("97", "98")


def plus_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's end): a deadline in months ends
    on the day of the same number (C. proc. civ. 641)."""
    return Frequency(months=months).nth(day, 1)


def declaration_deadline(published: date, abroad: bool) -> date:
    """The last day to declare the claim: publication + 2 months, or 4 from abroad; a last
    day on a Saturday, a Sunday or a public holiday moves to the next working day (C. proc.
    civ. 642)."""
    months = DECLARATION_MONTHS + (ABROAD_EXTRA_MONTHS if abroad else 0)
    return extended_deadline(plus_months(published, months))


def relief_deadline(published: date) -> date:
    """The last day to ask to be relieved of the foreclosure: publication + 6 months,
    extended to the next working day as the declaration's (C. proc. civ. 642)."""
    return extended_deadline(plus_months(published, RELIEF_MONTHS))


@dataclass(frozen=True, slots=True)
class InsolvencyCase:
    """What the notices (or the user) say of one customer's proceedings.

    `opened` is the opening judgment's date (collection stops from it), `published` its
    publication in the BODACC (the deadlines run from it); `state` is the effect of the
    latest notice and `state_on` its judgment's date.
    """

    customer_ref: str
    procedure: Procedure
    opened: date
    published: date | None
    court: str = ""
    representative: str = ""
    notice_id: str = ""
    state: NoticeEffect = NoticeEffect.OPENING
    state_on: date | None = None

    @property
    def closed(self) -> bool:
        """True once a closing judgment ended the case."""
        return self.state in (NoticeEffect.CLOSED, NoticeEffect.CLOSED_NO_ASSETS)


@dataclass(frozen=True, slots=True)
class DeclarationRecord:
    """A declaration of claim rendered for a case, and its registered letter's evidence."""

    customer_ref: str
    made_on: date
    pdf_sha256: str
    tracking_number: str = ""
    posted_on: date | None = None
    received_on: date | None = None


class TaskState(StrEnum):
    """Where the declaration of a claim stands."""

    TO_DECLARE = "to_declare"  # before the deadline, not posted yet
    DECLARED = "declared"  # posted (the posting date is what counts)
    LATE = "late"  # deadline passed: relief from foreclosure still possible
    FORECLOSED = "foreclosed"  # six months passed: the claim is out of the distributions
    NOT_DUE = "not_due"  # no publication known, a surendettement, or a closed case


@dataclass(frozen=True, slots=True)
class DeclarationTask:
    """The task of declaring one customer's claim as of a day."""

    customer_ref: str
    procedure: Procedure
    published: date | None
    deadline: date | None
    days_left: int | None
    relief_until: date | None
    state: TaskState
    representative: str = ""

    def describe(self) -> str:
        """The task in words, for a listing or the Today page."""
        if self.state is TaskState.TO_DECLARE and self.deadline is not None:
            return (
                f"declare the claim to the mandataire by {self.deadline.isoformat()} "
                f"({self.days_left} days left)"
            )
        if self.state is TaskState.DECLARED:
            return "claim declared"
        if self.state is TaskState.LATE and self.relief_until is not None:
            return (
                f"deadline passed: ask relief from foreclosure by {self.relief_until.isoformat()}"
            )
        if self.state is TaskState.FORECLOSED:
            return "deadline and relief period passed: the claim is foreclosed"
        return "no declaration deadline"


def declaration_task(
    case: InsolvencyCase,
    declaration: DeclarationRecord | None,
    as_of: date,
    abroad: bool,
) -> DeclarationTask:
    """Where the declaration of `case`'s claim stands on `as_of`; once the deadline has
    passed without a posting, the six-month limit for relief is given."""
    published = case.published
    if published is None or case.procedure is Procedure.SURENDETTEMENT:
        return DeclarationTask(
            case.customer_ref, case.procedure, published, None, None, None, TaskState.NOT_DUE,
            case.representative,
        )  # fmt: skip
    deadline = declaration_deadline(published, abroad)
    relief = relief_deadline(published)
    posted = declaration is not None and declaration.posted_on is not None
    if posted:
        state = TaskState.DECLARED
    elif case.closed:
        state = TaskState.NOT_DUE
    elif as_of <= deadline:
        state = TaskState.TO_DECLARE
    elif as_of <= relief:
        state = TaskState.LATE
    else:
        state = TaskState.FORECLOSED
    return DeclarationTask(
        case.customer_ref,
        case.procedure,
        published,
        deadline,
        (deadline - as_of).days,
        relief if state in (TaskState.LATE, TaskState.FORECLOSED) else None,
        state,
        case.representative,
    )


def apply_notice(
    case: InsolvencyCase | None, notice: BodaccNotice, customer_ref: str
) -> InsolvencyCase | None:
    """The case once `notice` is read: an opening starts one (or replaces an earlier one,
    as a liquidation pronounced after a redressement does), a plan or a closing updates it;
    None when the notice changes nothing (another kind, or no case to update)."""
    effect, procedure = notice.effect, notice.procedure
    judged = notice.judgment_date or notice.published
    if effect is NoticeEffect.OPENING and procedure is not None:
        if case is not None and not case.closed and case.procedure is procedure:
            return None  # the same opening published again
        return InsolvencyCase(
            customer_ref, procedure, judged, notice.published, notice.court,
            representative(notice.complement), notice.notice_id, NoticeEffect.OPENING, judged,
        )  # fmt: skip
    if case is None or effect is NoticeEffect.OTHER or case.closed:
        return None
    return InsolvencyCase(
        case.customer_ref, case.procedure, case.opened, case.published,
        case.court or notice.court, case.representative or representative(notice.complement),
        case.notice_id, effect, judged,
    )  # fmt: skip
