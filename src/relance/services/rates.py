"""The rates a user owns: periods added or confirmed beside the shipped tables, and the
creditor's settings about interest (day count, what letters do with an unconfirmed rate).

The shipped tables (`relance/rules/*.toml`) are read once per process; the user's periods
live in the database, so they survive upgrades, and override the shipped ones over their
dates (`relance.core.rates.overlay`). See docs/law.md, "Rates".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import repository_rates as rates_repo
from relance.adapters.storage.database import Connection, Store
from relance.core.jurisdiction import DayCount
from relance.core.rates import (
    Confidence,
    RateBook,
    RatePeriod,
    RateTable,
    UnconfirmedRates,
    overlay,
    table_of,
    unconfirmed_periods,
)
from relance.services import rule_sets

DAY_COUNT = "day_count"
UNCONFIRMED = "unconfirmed_rates"


def rate_book(conn: Connection) -> RateBook:
    """The shipped rate tables with the user's periods laid over them."""
    shipped = rule_sets.rules()[1]
    own = rates_repo.user_periods(conn)
    return {name: overlay(table, own.get(name, ())) for name, table in shipped.items()}


@dataclass(frozen=True, slots=True)
class LawSettings:
    """The creditor's choices: `day_count` None keeps each rule set's own (actual/365)."""

    day_count: DayCount | None = None
    unconfirmed: UnconfirmedRates = UnconfirmedRates.OMIT


def law_settings(conn: Connection) -> LawSettings:
    """The stored settings, defaults for those never set."""
    stored = rates_repo.settings(conn)
    day_count = stored.get(DAY_COUNT)
    return LawSettings(
        DayCount(day_count) if day_count else None,
        UnconfirmedRates(stored.get(UNCONFIRMED, UnconfirmedRates.OMIT.value)),
    )


def set_law_settings(
    store: Store, day_count: DayCount | None = None, unconfirmed: UnconfirmedRates | None = None
) -> LawSettings:
    """Change the settings given (the others are kept), with an event; returns them all."""
    with store.begin() as conn:
        changed = {}
        if day_count is not None:
            changed[DAY_COUNT] = day_count.value
        if unconfirmed is not None:
            changed[UNCONFIRMED] = unconfirmed.value
        for name, value in changed.items():
            rates_repo.save_setting(conn, name, value)
        if changed:
            repo.append_event(conn, "law_settings", actor="user", subject="law", data=changed)
        return law_settings(conn)


@dataclass(frozen=True, slots=True)
class ListedPeriod:
    """One period of a table as the user sees it, and whether it is the user's own."""

    table: str
    period: RatePeriod
    own: bool


def list_rates(store: Store, table: str | None = None) -> tuple[ListedPeriod, ...]:
    """Every period of every table (or of `table`), the user's periods in place of the
    shipped ones they override. LookupError for an unknown table."""
    with store.begin() as conn:
        book = rate_book(conn)
    names = [table_of(book, table).name] if table is not None else sorted(book)
    mine = rates_repo.USER_SOURCE
    return tuple(
        ListedPeriod(
            name, replace(p, source=p.source.removeprefix(mine)), p.source.startswith(mine)
        )
        for name in names
        for p in book[name].periods
    )


def add_rate(
    store: Store,
    table: str,
    start: date,
    end: date,
    rate: Decimal,
    source: str,
    *,
    confirmed: bool = True,
    today: date,
    actor: str = "user",
) -> RateTable:
    """Add the user's period to `table` (it overrides the shipped rates over its dates);
    returns the table as letters will now read it. LookupError for an unknown table,
    ValueError for a period that overlaps another of the user's or has no source."""
    if not source.strip():
        raise ValueError("say where the rate comes from (--source), e.g. the Journal officiel")
    confidence = Confidence.CONFIRMED if confirmed else Confidence.SINGLE_SOURCE
    period = RatePeriod(start, end, rate, source.strip(), confidence)
    with store.begin() as conn:
        shipped = table_of(rule_sets.rules()[1], table)
        own = rates_repo.user_periods(conn).get(table, ())
        others = tuple(p for p in own if p.start != start)
        result = overlay(shipped, (*others, period))  # ValueError on an overlap
        rates_repo.save_user_period(conn, table, period, confirmed, today)
        repo.append_event(
            conn,
            "rate_period",
            actor=actor,
            subject=table,
            data={"from": start.isoformat(), "to": end.isoformat(), "rate": str(rate),
                  "source": source, "confirmed": confirmed},
        )  # fmt: skip
    return result


def confirm_rate(
    store: Store, table: str, on: date, source: str, *, today: date, actor: str = "user"
) -> RatePeriod:
    """Confirm the period of `table` covering `on`, having checked it against `source`:
    it becomes the user's own confirmed period. Returns it; LookupError when no period
    covers the day (add it instead)."""
    with store.begin() as conn:
        found = table_of(rate_book(conn), table).period_on(on)
    mine = RatePeriod(found.start, found.end, found.rate, source.strip(), Confidence.CONFIRMED)
    add_rate(
        store, table, mine.start, mine.end, mine.rate, source, confirmed=True, today=today,
        actor=actor,
    )  # fmt: skip
    return mine


@dataclass(frozen=True, slots=True)
class RateGap:
    """A rate table the creditor applies that letters cannot trust as of a day: a period
    still unconfirmed (`day` its first day, `rate` its rate), or a table that stops before
    the day (`day` its last day, `rate` None). `blocks`: letters needing it wait, rather than
    leaving that interest out and saying it will be claimed separately."""

    table: str
    day: date
    rate: Decimal | None
    blocks: bool

    def describe(self) -> str:
        """The gap in words, with the command that closes it."""
        effect = (
            "letters needing it are blocked"
            if self.blocks
            else "letters leave that interest out and say it will be claimed separately"
        )
        if self.rate is not None:
            return (
                f"rate {self.table} from {self.day} ({self.rate} %) is unconfirmed: {effect} "
                f"until you check it (relance rates confirm {self.table} {self.day} "
                "--source ...)"
            )
        return (
            f"rate {self.table} is unknown after {self.day}: {effect} until you add it "
            f"(relance rates add {self.table} --from {self.day + timedelta(days=1)} ...)"
        )


def rate_gaps(conn: Connection, as_of: date) -> tuple[RateGap, ...]:
    """The gaps in the rates of the last year the creditor's rule sets use: periods still
    unconfirmed, tables that stop before `as_of`."""
    creditor = repo.load_creditor(conn)
    if creditor is None:
        return ()
    jurisdictions, _ = rule_sets.rules()
    # the rule sets this creditor applies: its country's lines of the table, and contracts'
    codes = {s.rule_set for s in jurisdictions.selectors if s.creditor in ("*", "EU")
             or s.creditor == creditor.country.upper()}  # fmt: skip
    codes |= {c.rule_set for c in law_repo.load_contracts(conn).values() if c.rule_set}
    chosen = [r for r in jurisdictions.rule_sets if r.code in codes]
    used = {r.rate_table for r in chosen if r.rate_table}
    used |= {r.contract_floor_table for r in chosen if r.contract_floor_table}
    book = rate_book(conn)
    blocks = law_settings(conn).unconfirmed is not UnconfirmedRates.OMIT
    found = []
    for name in sorted(used & set(book)):
        table = book[name]
        for period in unconfirmed_periods(table, as_of - timedelta(days=366), as_of):
            found.append(RateGap(name, period.start, period.rate, blocks))
        if table.last_day is not None and table.last_day < as_of:
            found.append(RateGap(name, table.last_day, None, blocks))
    return tuple(found)


def rate_warnings(conn: Connection, as_of: date) -> tuple[str, ...]:
    """What a run, a preview or a send should say about the rates of the last year: a
    period still unconfirmed, or a table that stops before `as_of`."""
    return tuple(gap.describe() for gap in rate_gaps(conn, as_of))


def gaps_for(store: Store, as_of: date) -> tuple[RateGap, ...]:
    """`rate_gaps` in a transaction of its own (the workbench's pages)."""
    with store.begin() as conn:
        return rate_gaps(conn, as_of)


def warnings_for(store: Store, as_of: date) -> tuple[str, ...]:
    """`rate_warnings` in a transaction of its own, for the commands that send letters."""
    with store.begin() as conn:
        return rate_warnings(conn, as_of)
