"""The big reads and writes of a daily run, through the DBAPI driver.

A run reads a million overdue invoices and writes a queue entry and an event per
customer. SQLAlchemy's per-row work (Row objects, result and bind processing) is most
of that time, so these few statements are compiled by SQLAlchemy for the connection's
dialect, then executed on the DBAPI cursor of the same connection (same transaction);
values are converted here, once per distinct value where they repeat.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Select,
    Table,
    Time,
    insert,
)

CHUNK = 5000
_STREAMS = itertools.count()  # names the server-side cursors, which may overlap


def _driver_params(conn: Connection, compiled: Any) -> Any:
    """The bound values of a compiled statement, as the driver takes them."""
    dialect = conn.dialect
    values = compiled.construct_params()
    processed = {}
    for name, value in values.items():
        # A value of an expanded IN list is named after its list's parameter: name_1, ...
        bind = (
            compiled.binds[name]
            if name in compiled.binds
            else compiled.binds[name.rsplit("_", 1)[0]]
        )
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        processed[name] = processor(value) if processor is not None else value
    if compiled.positional:
        return tuple(processed[name] for name in compiled.positiontup)
    return processed


def driver_rows(
    conn: Connection, query: Select[Any], batch: int = 20_000, *, streamed: bool = False
) -> Iterator[Sequence[Any]]:
    """The rows of `query` as the DBAPI driver returns them: no type processing, so dates
    come back as text on SQLite (see `DayReader`). Read `batch` rows at a time
    (`streamed`: see `driver_batches`)."""
    for rows in driver_batches(conn, query, batch, streamed=streamed):
        yield from rows


def driver_batches(
    conn: Connection, query: Select[Any], batch: int = 20_000, *, streamed: bool = False
) -> Iterator[Sequence[Any]]:
    """The rows of `query` as `driver_rows` gives them, `batch` at a time in lists: for a
    loop over a million rows, one step of a generator per row less. `streamed`: read
    from the server `batch` rows at a time on PostgreSQL too (a cursor of the
    transaction, which other statements of the connection may interleave with), for a
    whole ledger's rows read while the caller works on each batch."""
    # IN lists are rendered as one parameter per value (the driver knows no expanding one).
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    # SQLite's cursor steps through the statement as it is fetched; psycopg's plain one
    # holds the whole result in memory, its named (server-side) one does not.
    named = streamed and conn.dialect.name == "postgresql"
    cursor = (
        conn.connection.cursor(name=f"relance_streamed_{next(_STREAMS)}")
        if named
        else conn.connection.cursor()
    )
    try:
        cursor.execute(str(compiled), _driver_params(conn, compiled))
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


class PreparedInsert:
    """An INSERT of `columns` into `table`, compiled once for the connection's dialect, for
    callers that build the driver's rows themselves (a million invoices of a file): rows in
    the order of `columns`, each value already converted by `converter(column)`."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        dialect = conn.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.conn, self.table, self.columns = conn, table, tuple(columns)
        self.sql, self.positional = str(compiled), bool(compiled.positional)
        self.order: list[int] | None = None
        if self.positional and compiled.positiontup is not None:
            order = [self.columns.index(name) for name in compiled.positiontup]
            # None when already in the statement's order (list `columns` in the table's)
            self.order = None if order == list(range(len(order))) else order

    def converter(self, column: str) -> Callable[[Any], Any]:
        """What turns a Python value of `column` into the driver's (`_same` when nothing)."""
        return _converter(self.table.c[column].type, self.conn.dialect)

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert `rows` (tuples of converted values in the order of `columns`) with one
        executemany (COPY on PostgreSQL)."""
        if not rows:
            return
        if self.conn.dialect.name == "postgresql":
            _copy_rows(self.conn, self.table, self.columns, rows, ())
            return
        order = self.order
        if not self.positional:
            params: Any = [dict(zip(self.columns, row, strict=True)) for row in rows]
        elif order is not None:
            params = [tuple([row[n] for n in order]) for row in rows]
        else:
            params = rows
        self.conn.exec_driver_sql(self.sql, params)


@contextmanager
def indexes_filled_after(conn: Connection, table: Table) -> Iterator[None]:
    """On SQLite, the table's plain (not unique) indexes dropped for the block and made
    again, from their own stored SQL, when it ends without error: for a first import into an
    empty table. SQLite builds an index from sorted rows faster than it keeps one current
    row by row (measured on a million invoices: 4.4 s of CPU instead of 6.2 s to write them
    with the aged balance's and the import's indexes). Unique indexes stay, so that a
    repeated key is still refused as it is written. The DDL is part of the transaction:
    rolled back with it (an error, a dry run, a killed process), the indexes are as they
    were, and readers see the last committed ledger, indexes included. Elsewhere
    (PostgreSQL, where dropping an index locks the table for every reader until the end)
    the block runs as it is."""
    if conn.dialect.name != "sqlite":
        yield
        return
    plain = [
        (name, sql)
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",
            (table.name,),
        )
        if not sql.lstrip().upper().startswith("CREATE UNIQUE")
    ]
    for name, _sql in plain:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in plain:
        conn.exec_driver_sql(sql)


def insert_many(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    encoded: Collection[str] = (),
) -> None:
    """Insert `rows` (values in the order of `columns`, as Python values) with the
    driver's executemany (COPY on PostgreSQL), each value converted by its column's type
    as SQLAlchemy would (dates, JSON), in chunks of CHUNK rows. The JSON columns named in
    `encoded` hold their text already (`json_text`), made once where a value repeats."""
    prepared = PreparedInsert(conn, table, columns)
    converters = map(prepared.converter, columns)
    to_convert = [
        (n, convert)
        for n, convert in enumerate(converters)
        if convert is not _same and columns[n] not in encoded
    ]
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, columns, rows, to_convert)
        return
    chunk: list[Any] = []
    for row in rows:
        values = list(row)
        for n, convert in to_convert:
            values[n] = convert(values[n])
        chunk.append(tuple(values))
        if len(chunk) >= CHUNK:
            prepared.write(chunk)
            chunk = []
    prepared.write(chunk)


def _copy_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    to_convert: Sequence[tuple[int, Callable[[Any], Any]]],
) -> None:
    """PostgreSQL: the rows through one COPY, the same rows an INSERT would write (its
    defaults, constraints and triggers apply). An executemany sends each row's statement
    and waits for it; COPY streams them, which is most of a run's writing time there."""
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    cursor = conn.connection.cursor()
    try:
        with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = list(row)
                for n, convert in to_convert:
                    values[n] = convert(values[n])
                copy.write_row(values)
    finally:
        cursor.close()


def _same(value: Any) -> Any:
    return value


# SQLite keeps JSON as text: what SQLAlchemy's processor would write (json.dumps), made
# without its layers of calls and without the check for cycles (plain data here). The C
# encoder is made once: `JSONEncoder.encode` makes a new one for every value, which costs
# as much as encoding a short list (a run encodes 800,000 values).
_PLAIN_JSON = json.JSONEncoder(check_circular=False)
_c_encoder = getattr(json.encoder, "c_make_encoder", None)  # None without the C accelerator
_make_json = (
    None
    if _c_encoder is None
    else _c_encoder(
        None, _PLAIN_JSON.default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
        False, False, True,
    )
)  # fmt: skip


def json_text(value: Any) -> str:
    """`value` as json.dumps writes it: the text of a JSON column, on SQLite and (through
    COPY) on PostgreSQL alike."""
    if _make_json is None:
        return _PLAIN_JSON.encode(value)
    return "".join(_make_json(value, 0))


def _converter(column_type: Any, dialect: Any) -> Callable[[Any], Any]:
    """The column type's bind processor; for dates and times, remembered per value (a
    run writes the same day or instant in every row); JSON text made directly on SQLite."""
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return _same
    if isinstance(column_type, JSON) and dialect.name == "sqlite":
        null = processor(None)  # the column's NULL (or JSON null), the same every time
        return lambda value: null if value is None else "[]" if value == [] else json_text(value)
    if isinstance(column_type, JSON) and dialect.name == "postgresql":
        # COPY takes a JSON column as its text: what SQLAlchemy's processor would send.
        none = None if column_type.none_as_null else "null"
        return lambda value: none if value is None else json_text(value)
    if not isinstance(column_type, Date | DateTime | Time):
        return cast(Callable[[Any], Any], processor)
    return Remembered(processor).__getitem__


class Remembered(dict[Any, Any]):
    """What `convert` made of each value met: a million rows name a few hundred days, and
    a hit is one dictionary lookup, without a Python call."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        self[value] = converted = self.convert(value)
        return converted


def _as_day(value: Any) -> date:
    """A driver's date value as a `date`: ISO text on SQLite, a `date` elsewhere."""
    return value if isinstance(value, date) else date.fromisoformat(value)


class DayReader(Remembered):
    """Dates from driver values: ISO text on SQLite, `date` elsewhere. One `date` object
    per distinct day, shared by every row that has it (a million rows hold a few
    hundred distinct due dates); `reader[value]` looks it up without a Python call."""

    def __init__(self) -> None:
        super().__init__(_as_day)

    def __call__(self, value: Any) -> date:
        day: date = self[value]
        return day
