"""The KPIs over months as charts, drawn with ReportLab's graphics: the days (DSO by both
methods, best possible DSO, average days delinquent), the percentages (CEI, share not yet
due, promises kept, agency recovery) and each stage's effectiveness. A drawing goes into
the monthly report as it is, or to a file as SVG or PDF (`write_charts`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from relance.adapters.render.kpi_labels import label, period_name, stage_label
from relance.adapters.render.pdf_page import unicode_fonts
from relance.core.kpi import Period
from relance.core.kpi_report import Measure

# Colours told apart in print and by most colour-blind readers (Okabe and Ito's palette).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DAYS_KPIS = ("dso_countback", "dso", "best_possible_dso", "average_days_delinquent")
PERCENT_KPIS = ("cei", "current_share", "promises_kept_by_amount", "agency_recovery")
TITLES = {
    "days": ("DSO et retard moyen (jours)", "DSO and days delinquent (days)"),
    "percent": ("Efficacité du recouvrement (%)", "Collection effectiveness (%)"),
    "stages": ("Payé sous 14 jours, par étape (%)", "Paid within 14 days, by stage (%)"),
}


def _title(key: str, language: str) -> str:
    return TITLES[key][0 if language == "fr" else 1]


def _series(
    found: Sequence[Measure], labels: Sequence[str], kpi: str, stage: str = ""
) -> list[float | None]:
    """One KPI's values in the order of `labels` (None where it has none); floats only
    here, for drawing: the figures themselves stay Decimals."""
    by_label = {m.period.label: m.value for m in found if m.kpi == kpi and m.stage == stage}
    values: list[Decimal | None] = [by_label.get(period) for period in labels]
    return [None if v is None else float(v) for v in values]


def _frame(width: float, height: float, title: str) -> Drawing:
    fonts = unicode_fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=fonts.bold, fontSize=10))
    return drawing


def _legend(drawing: Drawing, names: Sequence[str], x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = unicode_fonts().regular
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 2
    legend.dx = legend.dy = 7
    legend.deltax = 150
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[n % len(PALETTE)]), name) for n, name in enumerate(names)
    ]
    drawing.add(legend)


def line_chart(
    found: Sequence[Measure],
    labels: Sequence[str],
    names: Sequence[str],
    kpis: Sequence[str],
    title: str,
    language: str,
    size: tuple[float, float] = (480, 200),
) -> Drawing:
    """A line per KPI of `kpis` over the periods `labels` (shown as `names`); a gap where
    a KPI has no value."""
    width, height = size
    series = [(kpi, _series(found, labels, kpi)) for kpi in kpis]
    series = [(kpi, values) for kpi, values in series if any(v is not None for v in values)]
    drawing = _frame(width, height, title)
    if not series:
        return drawing
    fonts = unicode_fonts()
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 36, 52, width - 46, height - 80
    chart.data = [values for _, values in series]
    chart.categoryAxis.categoryNames = list(names)
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    for n in range(len(series)):
        chart.lines[n].strokeColor = colors.HexColor(PALETTE[n % len(PALETTE)])
        chart.lines[n].strokeWidth = 1.6
    drawing.add(chart)
    sample = next(m for m in found if m.kpi == series[0][0])
    legend = [label(Measure(sample.period, "", kpi, None), language) for kpi, _ in series]
    _legend(drawing, legend, 40, 24)
    return drawing


def stage_chart(
    found: Sequence[Measure],
    labels: Sequence[str],
    names: Sequence[str],
    title: str,
    language: str,
    size: tuple[float, float] = (480, 200),
) -> Drawing:
    """A bar per stage and period: the share chased at that stage paid within 14 days."""
    width, height = size
    stages = list(dict.fromkeys(m.stage for m in found if m.kpi == "stage_effectiveness"))
    drawing = _frame(width, height, title)
    if not stages:
        return drawing
    fonts = unicode_fonts()
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 52, width - 46, height - 80
    chart.data = [
        [v if v is not None else 0.0 for v in _series(found, labels, "stage_effectiveness", s)]
        for s in stages
    ]
    chart.categoryAxis.categoryNames = list(names)
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.barSpacing = 1
    for n in range(len(stages)):
        chart.bars[n].fillColor = colors.HexColor(PALETTE[n % len(PALETTE)])
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [stage_label(s, language) for s in stages], 40, 24)
    return drawing


def kpi_charts(
    found: Sequence[Measure], periods: Sequence[Period], currency: str, language: str
) -> list[Drawing]:
    """The charts of one currency's KPIs over `periods`; a chart with nothing to show is
    left out."""
    mine = [m for m in found if m.currency == currency and m.value is not None]
    labels = [p.label for p in periods]
    names = [period_name(p, language) for p in periods]
    suffix = f" – {currency}"
    drawings = []
    if any(m.kpi in DAYS_KPIS for m in mine):
        title = _title("days", language) + suffix
        drawings.append(line_chart(mine, labels, names, DAYS_KPIS, title, language))
    if any(m.kpi in PERCENT_KPIS for m in mine):
        title = _title("percent", language) + suffix
        drawings.append(line_chart(mine, labels, names, PERCENT_KPIS, title, language))
    if any(m.kpi == "stage_effectiveness" for m in mine):
        title = _title("stages", language) + suffix
        drawings.append(stage_chart(mine, labels, names, title, language))
    return drawings


def stacked(drawings: Sequence[Drawing], gap: float = 16) -> Drawing:
    """The drawings one above the other, in one drawing."""
    width = max(d.width for d in drawings)
    height = sum(d.height for d in drawings) + gap * (len(drawings) - 1)
    whole = Drawing(width, height)
    y = height
    for drawing in drawings:
        y -= drawing.height
        drawing.translate(0, y)
        whole.add(drawing)
        y -= gap
    return whole


def write_charts(drawings: Sequence[Drawing], path: Path, svg: bool) -> None:
    """Write the drawings, stacked, to `path`: as SVG, or else as PDF."""
    whole = stacked(drawings)
    if svg:
        from reportlab.graphics import renderSVG

        renderSVG.drawToFile(whole, str(path))
    else:
        from reportlab.graphics import renderPDF

        renderPDF.drawToFile(whole, str(path))
