"""The KPIs tab of the Reports page, on the workbench's ledger (tests/interfaces/web/conftest):
four invoices, none paid, the business day 30 November 2026.

November by hand: owed at the end of 30 Nov 1,200 + 300 + 840.50 + 99 = 2,439.50, of which
99 (F-004, due 15 Dec) not yet due; sold in November 99. Standard DSO 2,439.50 / 99 × 30 =
739.2 days; best possible 99 / 99 × 30 = 30.0 days; share not yet due 99 / 2,439.50 = 4.1 %;
CEI (2,340.50 + 99 − 2,439.50) / (2,340.50 + 99 − 99) = 0.0 %: nothing was collected.
"""

from __future__ import annotations

from tests.interfaces.web.conftest import Workbench

from relance.core.users import Role


def test_the_kpis_month_by_month_with_their_charts(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    page = client.get("/reports/kpi").text
    assert 'aria-current="page">Indicateurs' in page
    assert "juin 26" in page and "nov. 26" in page  # the six months to today's
    assert "739,2\xa0j" in page and "30,0\xa0j" in page
    assert "4,1\xa0%" in page and "0,0\xa0%" in page
    assert 'src="/reports/kpi.svg?from=2026-06-01&amp;to=2026-11-30"' in page
    svg = client.get("/reports/kpi.svg?from=2026-06-01&to=2026-11-30")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "DSO" in svg.text


def test_a_wrong_period_is_said_and_the_default_used(workbench: Workbench) -> None:
    client = workbench.signed_in(Role.VIEWER)
    answer = client.get("/reports/kpi?from=2026-11-30&to=2026-11-01")
    assert answer.status_code == 200
    assert answer.text.count('class="error"') == 1 and "from/to:" in answer.text
    assert "nov. 26" in answer.text  # the six months to today's instead
    assert client.get("/reports/kpi.svg?from=yesterday").status_code == 404
