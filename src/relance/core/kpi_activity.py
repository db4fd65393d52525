"""What the collection process did in a month, for the monthly report: the steps carried
out at each stage and by which channel, the promises made, the disputes opened and
resolved, the claims handed to agencies or other routes, the write-offs; and the customers
with the most overdue, from the aged balance."""

from __future__ import annotations

from dataclasses import dataclass

from relance.core.aging import AgingReport, AgingRow
from relance.core.kpi import Period
from relance.core.money import Money


@dataclass(frozen=True, slots=True)
class StageActivity:
    """The steps carried out at one stage in the month, and how many went by each channel
    (a step sent as a letter and an e-mail counts in both)."""

    level: int
    stage: str
    steps: int
    by_channel: tuple[tuple[str, int], ...]  # (channel, steps), by channel name


@dataclass(frozen=True, slots=True)
class MonthActivity:
    """Counts and amounts of what was done in `period`."""

    period: Period
    stages: tuple[StageActivity, ...] = ()
    promises_made: int = 0
    promised: tuple[Money, ...] = ()  # one amount per currency
    disputes_opened: int = 0
    disputes_resolved: int = 0
    disputes_open: int = 0  # still open at the end of the month
    handed_to_agencies: int = 0  # invoices sent to an agency in the month
    routes: tuple[tuple[str, int], ...] = ()  # route chosen after the formal notice: invoices
    write_offs: int = 0
    written_off: tuple[Money, ...] = ()  # one amount per currency


@dataclass(frozen=True, slots=True)
class Overdue:
    """A customer's overdue balance in one currency, bucket by bucket past due."""

    row: AgingRow

    @property
    def overdue(self) -> Money:
        """Everything past due (the aged balance less its not-yet-due column)."""
        return Money.from_minor(sum(self.row.cells[1:]), self.row.currency)


def largest_overdue(report: AgingReport, count: int = 10) -> dict[str, tuple[Overdue, ...]]:
    """The `count` customers owing the most past due, in each currency, largest first."""
    found = {}
    for table in report.tables:
        late = [Overdue(row) for row in table.rows if any(row.cells[1:])]
        late.sort(key=lambda o: (-sum(o.row.cells[1:]), o.row.customer_ref))
        if late:
            found[table.currency] = tuple(late[:count])
    return found
