"""The monthly management report as an A4 PDF, drawn with ReportLab's platypus: the KPIs
month by month (the month asked for last, shaded), their charts, the aged balance at the
month's end with the customers owing the most past due, what the process did in the month,
and a line of definition per KPI. French or English; the TTF fonts of the letters."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from relance.adapters.render.kpi_charts import kpi_charts
from relance.adapters.render.kpi_labels import (
    NONE,
    amount_text,
    figure_text,
    label,
    locale_of,
    period_name,
    stage_label,
    value_text,
)
from relance.adapters.render.pdf_page import unicode_fonts
from relance.adapters.render.report_phrases import (
    CHANNELS,
    DEFINITIONS,
    ROUTES,
    named,
    phrase,
)
from relance.core.aging import AgingReport
from relance.core.kpi import Period
from relance.core.kpi_activity import MonthActivity, Overdue
from relance.core.kpi_report import MONEY, KpiReport, Measure, measures
from relance.core.letter import format_day
from relance.core.money import Money

SHADE = colors.HexColor("#E8F0F8")  # the month asked for
HEAD = colors.HexColor("#EEEEEE")
RULE = colors.HexColor("#BBBBBB")
WIDTH = A4[0] - 36 * mm
_EACH_STAGE = {True: "chaque étape", False: "each stage"}  # by "is it French"


class _Styles:
    def __init__(self) -> None:
        fonts = unicode_fonts()
        # <b> in a paragraph picks the family's bold: the TTFs are one family
        registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold)
        self.bold = fonts.bold
        self.title = ParagraphStyle("title", fontName=fonts.bold, fontSize=16, leading=20)
        self.h2 = ParagraphStyle(
            "h2", fontName=fonts.bold, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=4
        )
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=8.5, leading=11)
        self.small = ParagraphStyle("small", fontName=fonts.regular, fontSize=7.5, leading=9.5)
        self.cell = ParagraphStyle("cell", fontName=fonts.regular, fontSize=7.5, leading=9)
        self.regular = fonts.regular


def month_name(period: Period, language: str) -> str:
    """`novembre 2026` / `November 2026`."""
    return format_date(period.first, "LLLL yyyy", locale=locale_of(language))


def _day(day: date, language: str) -> str:
    """`1er décembre 2026` / `1 December 2026`, as the letters write a day."""
    return format_day(day, language)


def _table(
    rows: list[list[Any]],
    widths: Sequence[float],
    s: _Styles,
    shade: int | None = None,
    first_right: int = 1,
) -> Table:
    """A table with a grey header row, numbers right-aligned from column `first_right`,
    and column `shade` shaded (the month asked for)."""
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), s.regular, 7.5),
        ("FONT", (0, 0), (-1, 0), s.bold, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("ALIGN", (first_right, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if shade is not None:
        style += [
            ("BACKGROUND", (shade, 1), (shade, -1), SHADE),
            ("FONT", (shade, 0), (shade, -1), s.bold, 7.5),
        ]
    table.setStyle(TableStyle(style))
    return table


def _kpi_table(
    found: Sequence[Measure], periods: Sequence[Period], language: str, s: _Styles
) -> Table:
    """A row per KPI, a column per month; the last column, the month asked for, shaded."""
    labels = [p.label for p in periods]
    rows: dict[tuple[str, str], list[str]] = {}
    for m in found:
        key = (m.kpi, m.stage)
        if m.kpi == "opening_receivables":
            continue
        row = rows.setdefault(key, [label(m, language), *([NONE] * len(labels))])
        shown = (
            amount_text(m.value, language, cents=False)
            if m.unit == MONEY and m.value is not None
            else value_text(m, language)
        )
        row[1 + labels.index(m.period.label)] = shown
    body = [[Paragraph(escape(row[0]), s.cell), *row[1:]] for row in rows.values()]
    width = (WIDTH - 60 * mm) / max(len(labels), 1)
    short = [period_name(p, language) for p in periods]
    return _table([["", *short], *body], [60 * mm, *([width] * len(labels))], s, len(labels))


def _kpi_section(kpis: KpiReport, language: str, s: _Styles) -> list[Any]:
    found = measures(kpis)
    story: list[Any] = [Paragraph(phrase("kpis", language), s.h2)]
    if not kpis.currencies:
        story.append(Paragraph(phrase("no_kpi", language), s.body))
    for currency in kpis.currencies:
        mine = [m for m in found if m.currency == currency]
        story += [
            Paragraph(phrase("kpis_note", language, currency=currency), s.small),
            Spacer(1, 2 * mm),
            _kpi_table(mine, kpis.periods, language, s),
            Spacer(1, 4 * mm),
        ]
    return story


def _chart_section(kpis: KpiReport, language: str, s: _Styles) -> list[Any]:
    found = measures(kpis)
    if not kpis.currencies:
        return []
    story: list[Any] = [PageBreak(), Paragraph(phrase("charts", language), s.h2)]
    for currency in kpis.currencies:
        for drawing in kpi_charts(found, kpis.periods, currency, language):
            story += [KeepTogether([drawing, Spacer(1, 5 * mm)])]
    return story


def _aging_section(
    aging: AgingReport, largest: dict[str, tuple[Overdue, ...]], language: str, s: _Styles
) -> list[Any]:
    story: list[Any] = [
        PageBreak(),
        Paragraph(phrase("aging", language, day=_day(aging.as_of, language)), s.h2),
    ]
    buckets = _bucket_labels(aging, language)
    if not aging.tables:
        story.append(Paragraph(phrase("nothing_owed", language), s.body))
    for table in aging.tables:
        cur = table.currency
        story.append(Paragraph(phrase("aging_note", language, currency=cur), s.small))
        row = [amount_text(t.amount, language) for t in table.totals]
        head = [*buckets, phrase("total", language)]
        total = amount_text(table.total.amount, language)
        widths = [WIDTH / len(head)] * len(head)
        story += [
            Spacer(1, 2 * mm),
            _table([head, [*row, total]], widths, s, None, 0),
            Spacer(1, 4 * mm),
        ]
    story.append(Paragraph(phrase("largest", language), s.h2))
    if not largest:
        story.append(Paragraph(phrase("largest_none", language), s.body))
    for currency, rows in largest.items():
        head = [
            phrase("customer", language),
            phrase("name", language),
            *buckets[1:],
            phrase("overdue", language),
        ]
        body = [
            [
                o.row.customer_ref,
                Paragraph(escape(o.row.customer_name), s.cell),
                *(_cell(a.amount, language) for a in o.row.amounts[1:]),
                amount_text(o.overdue.amount, language),
            ]
            for o in rows
        ]
        amounts = (WIDTH - 62 * mm) / (len(head) - 2)
        story += [
            Paragraph(phrase("aging_note", language, currency=currency), s.small),
            Spacer(1, 2 * mm),
            _table([head, *body], [22 * mm, 40 * mm, *([amounts] * (len(head) - 2))], s, None, 2),
            Spacer(1, 4 * mm),
        ]
    return story


def _cell(amount: Decimal, language: str) -> str:
    """An amount in a table of many, a zero left blank so that the amounts stand out."""
    return amount_text(amount, language) if amount else ""


def _bucket_labels(aging: AgingReport, language: str) -> list[str]:
    unit = "j" if language == "fr" else "d"
    found = []
    for text in aging.buckets.labels():
        if text == "current":
            found.append("non échu" if language == "fr" else "not yet due")
        elif text.startswith("over "):
            days = text.removeprefix("over ")
            found.append(f"> {days} {unit}")
        else:
            found.append(f"{text} {unit}")
    return found


def _money_list(amounts: Sequence[Money], language: str) -> str:
    return ", ".join(figure_text(a.amount, MONEY, a.currency, language) for a in amounts)


def _stage_table(activity: MonthActivity, language: str, s: _Styles) -> list[Any]:
    """The steps carried out at each stage, and by which channel."""
    if not activity.stages:
        return [Paragraph(phrase("no_steps", language), s.body)]
    channels = sorted({c for st in activity.stages for c, _ in st.by_channel})
    head = [
        phrase("stage", language),
        phrase("steps", language),
        *(named(CHANNELS, c, language) for c in channels),
    ]
    body = [
        [
            stage_label(st.stage, language),
            str(st.steps),
            *(str(dict(st.by_channel).get(c, 0)) for c in channels),
        ]
        for st in activity.stages
    ]
    rest = (WIDTH - 45 * mm) / (len(head) - 1)
    return [
        _table([head, *body], [45 * mm, *([rest] * (len(head) - 1))], s),
        Spacer(1, 3 * mm),
    ]


def _with_amounts(count: int, amounts: Sequence[Money], language: str) -> str:
    return f"{count} ({_money_list(amounts, language)})" if amounts else str(count)


def _activity_section(activity: MonthActivity, language: str, s: _Styles) -> list[Any]:
    month = month_name(activity.period, language)
    colon = " : " if language == "fr" else ": "
    routes = ", ".join(f"{named(ROUTES, r, language)}{colon}{n}" for r, n in activity.routes)
    a = activity
    facts = [
        (phrase("promises_made", language), _with_amounts(a.promises_made, a.promised, language)),
        (
            phrase("disputes", language),
            f"{a.disputes_opened} / {a.disputes_resolved} / {a.disputes_open}",
        ),
        (phrase("handed", language), str(a.handed_to_agencies)),
        (phrase("routes", language), routes or phrase("none", language)),
        (phrase("write_offs", language), _with_amounts(a.write_offs, a.written_off, language)),
    ]
    rows = [[Paragraph(escape(k), s.cell), Paragraph(escape(v), s.cell)] for k, v in facts]
    table = Table(rows, colWidths=[80 * mm, WIDTH - 80 * mm])
    table.setStyle(
        TableStyle(
            [("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return [
        CondPageBreak(60 * mm),
        Paragraph(phrase("activity", language, month=month), s.h2),
        *_stage_table(activity, language, s),
        table,
    ]


def _definitions(language: str, s: _Styles) -> list[Any]:
    story: list[Any] = [CondPageBreak(50 * mm), Paragraph(phrase("definitions", language), s.h2)]
    for kpi, words in DEFINITIONS.items():
        name = label(
            Measure(
                Period(date(2000, 1, 1), date(2000, 1, 1)),
                "",
                kpi,
                None,
                _EACH_STAGE[language == "fr"] if kpi == "stage_effectiveness" else "",
            ),
            language,
        )
        text = words[0 if language == "fr" else 1]
        story.append(
            Paragraph(
                f"<b>{name}</b> : {text}" if language == "fr" else f"<b>{name}</b>: {text}", s.small
            )
        )
    return story


def render_monthly_report(
    month: Period,
    creditor: str,
    kpis: KpiReport,
    aging: AgingReport,
    largest: dict[str, tuple[Overdue, ...]],
    activity: MonthActivity,
    language: str,
) -> bytes:
    """The report as PDF bytes, in `language` (fr or en)."""
    s = _Styles()
    buffer = io.BytesIO()
    title = f"{phrase('title', language)} – {month_name(month, language)}"
    footer = f"{creditor} – {title}" if creditor else title

    def page(canvas: Any, doc: Any) -> None:
        canvas.setFont(s.regular, 7)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, f"{footer} – {phrase('page', language, n=doc.page)}"
        )

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=creditor,
        lang=language,
    )
    story: list[Any] = [Paragraph(escape(title), s.title)]
    if creditor:
        story.append(Paragraph(escape(creditor), s.body))
    story += [
        Spacer(1, 2 * mm),
        Paragraph(phrase("counted", language, as_of=_day(kpis.as_of, language)), s.small),
    ]
    story += _kpi_section(kpis, language, s)
    story += _activity_section(activity, language, s)
    story += _definitions(language, s)
    story += _chart_section(kpis, language, s)
    story += _aging_section(aging, largest, language, s)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
