"""Records files and their column map: what each column of a billing export is.

A records file is CSV (UTF-8, a header row, one record per row) or Parquet. Without a
map, a column named like a fact or quantity of the model is that one, and a column
``quote`` (unless the model has a fact or quantity of that name) names the record's
quote. A map (TOML) says it explicitly::

    id = "contract"          # optional: a column that identifies a record in the report
    quote = "quote"          # optional: the column naming the record's quote (quotes/*.toml)

    [columns]                # a fact or quantity of the model = the column that holds it
    service_start = "開始日"
    penalty = "違約金"

The file is read as a stream, in bounded memory: CSV in blocks of whole records (cut
where no quoted field is open), Parquet batch by batch. Every problem with the file or
the map as a whole is an InputError naming the file, the position and the field.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from termcheck.errors import InputError, Position
from termcheck.model.spec import Spec
from termcheck.model.tomlfile import TomlFile, load_toml

QUOTE_COLUMN: Final = "quote"  # without a map, the column that names a record's quote
BLOCK_BYTES: Final = 1 << 20  # a CSV partition: about 10,000 records of a billing export
BATCH_ROWS: Final = 16_384  # a Parquet partition
LONGEST_RECORD: Final = 64 << 20  # a CSV record longer than this is not a billing record
CSV_SUFFIXES: Final = (".csv",)
PARQUET_SUFFIXES: Final = (".parquet", ".pq")
_MAP_KEYS: Final = ("columns", "quote", "id")


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds each fact and charge, the quote's column and the id column."""

    columns: dict[str, str] = field(default_factory=dict)  # model name -> column
    quote: str | None = None
    key: str | None = None
    source: TomlFile | None = None  # the map file, for positioned errors

    def error(self, loc: tuple[str | int, ...], message: str) -> InputError:
        assert self.source is not None
        return self.source.error(loc, message)


def checkable(spec: Spec) -> dict[str, str]:
    """Every name a column can hold, with what it is: "fact" or "quantity" (sets, which
    no record charges, excepted)."""
    found: dict[str, str] = {}
    for entry in spec.vocabulary.entries.values():
        if entry.type.is_set:
            continue
        found[entry.id] = "fact" if entry.kind == "fact" else "quantity"
    return found


def load_map(path: Path, spec: Spec) -> ColumnMap:
    """The map at `path`, checked against the model; raises InputError at its line."""
    source = load_toml(path)
    data = source.data
    for key in data:
        if key not in _MAP_KEYS:
            raise source.error((key,), "unknown key; a map has `id`, `quote` and a [columns] table")
    for key in ("quote", "id"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise source.error((key,), "give the column's name as a string")
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise source.error(("columns",), 'write [columns] as a table: fact_or_quantity = "column"')
    names = checkable(spec)
    seen: dict[str, str] = {}
    for name, column in columns.items():
        loc = ("columns", name)
        if name not in names:
            raise source.error(loc, _not_a_name(name, spec, names))
        if not isinstance(column, str) or not column.strip():
            raise source.error(loc, "give the column's name as a string")
        if column in seen:
            raise source.error(loc, f"column {column!r} is already mapped to {seen[column]}")
        seen[column] = name
    return ColumnMap(
        columns={name: str(column) for name, column in columns.items()},
        quote=data.get("quote"),
        key=data.get("id"),
        source=source,
    )


def _not_a_name(name: str, spec: Spec, names: dict[str, str]) -> str:
    entry = spec.vocabulary.entries.get(name)
    if entry is not None:  # a set: no record holds one
        return f"{name!r} is a set of the model, which no record charges"
    facts = ", ".join(n for n, kind in names.items() if kind == "fact")
    return f"{name!r} is not a fact or quantity of the model; its facts are {facts}"


def implicit_map(spec: Spec, header: Sequence[str]) -> ColumnMap:
    """The map a file without --map has: each column named like a fact or quantity."""
    names = checkable(spec)
    columns = {column: column for column in header if column in names}
    quote = QUOTE_COLUMN if QUOTE_COLUMN in header and QUOTE_COLUMN not in names else None
    return ColumnMap(columns=columns, quote=quote)


# --- CSV --------------------------------------------------------------------------------------


class CsvRecords:
    """A CSV file: its header, then its records in blocks of whole records."""

    def __init__(self, path: Path, block_bytes: int = BLOCK_BYTES) -> None:
        self.path = path
        self.block_bytes = block_bytes
        self.position = Position(path)
        try:
            self.handle: BinaryIO = path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", self.position) from None
        self._pending = b""
        try:
            self.header = self._read_header()
        except BaseException:
            self.handle.close()
            raise

    def close(self) -> None:
        self.handle.close()

    def _read(self) -> bytes:
        try:
            return self.handle.read(self.block_bytes)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", self.position) from None

    def _read_header(self) -> list[str]:
        buffer = b""
        while True:
            chunk = self._read()
            buffer += chunk
            end = _first_record_end(buffer)
            if end is not None or not chunk:
                break
            if len(buffer) > LONGEST_RECORD:
                raise InputError("the header row does not end", Position(self.path, 1, 1), "header")
        if end is None:
            end = len(buffer)
        raw, self._pending = buffer[:end], buffer[end:]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the header is not UTF-8 text ({exc.reason} at byte {exc.start})",
                Position(self.path, 1, 1),
                "header",
            ) from None
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:  # a field beyond the csv module's limit, say
            raise InputError(
                f"the header cannot be read as CSV ({exc})", Position(self.path, 1, 1), "header"
            ) from None
        if not raw.strip() and not self._pending.strip():
            raise InputError("empty file: no header row naming the columns", self.position)
        if not rows or not any(cell.strip() for cell in rows[0]):
            raise InputError(
                "no header row naming the columns: the first line is empty",
                Position(self.path, 1, 1),
                "header",
            )
        header = [cell.strip() for cell in rows[0]]
        for index, name in enumerate(header):
            if name and name in header[:index]:
                raise InputError(
                    f"column {name!r} appears twice in the header",
                    Position(self.path, 1, 1),
                    "header",
                )
        return header

    def blocks(self) -> Iterator[bytes]:
        """The records after the header, in blocks that end where a record ends."""
        buffer = self._pending
        self._pending = b""
        while True:
            chunk = self._read()
            if not chunk:
                if buffer:
                    yield buffer
                return
            buffer += chunk
            end = _last_record_end(buffer)
            if end is None:
                if len(buffer) > LONGEST_RECORD:
                    raise InputError(
                        f"a record longer than {LONGEST_RECORD >> 20} MiB (a quote never closed?)",
                        self.position,
                    )
                continue
            yield buffer[:end]
            buffer = buffer[end:]


def _first_record_end(buffer: bytes) -> int | None:
    """Where the first record ends (after its newline): the first newline outside quotes."""
    start = 0
    quotes = 0
    while True:
        newline = buffer.find(b"\n", start)
        if newline == -1:
            return None
        quotes += buffer.count(b'"', start, newline)
        if quotes % 2 == 0:
            return newline + 1
        start = newline + 1


def _last_record_end(buffer: bytes) -> int | None:
    """Where the last whole record of the buffer ends: the last newline after which no
    quoted field is open (the buffer starts outside quotes)."""
    after = 0  # quotes after the newline looked at
    total = buffer.count(b'"')
    end = len(buffer)
    while True:
        newline = buffer.rfind(b"\n", 0, end)
        if newline == -1:
            return None
        after += buffer.count(b'"', newline + 1, end)
        if (total - after) % 2 == 0:
            return newline + 1
        end = newline


# --- Parquet ------------------------------------------------------------------------------------


def need_pyarrow() -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, or an InputError naming the extra that installs them
    (imported here, when a Parquet file is read, so other commands never load them)."""
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise InputError(
            "reading Parquet needs pyarrow: pip install 'termcheck[audit]'", field="RECORDS"
        ) from None


class ParquetRecords:
    """A Parquet file: its columns, then its records batch by batch."""

    def __init__(self, path: Path, batch_rows: int = BATCH_ROWS) -> None:
        pa, pq = need_pyarrow()
        self.arrow_error = pa.ArrowException
        self.path = path
        self.batch_rows = batch_rows
        try:
            self.file = pq.ParquetFile(path)
        except (OSError, self.arrow_error) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(f"not a Parquet file: {message}", Position(path)) from None
        self.header = [str(name) for name in self.file.schema_arrow.names]
        for index, name in enumerate(self.header):
            if name in self.header[:index]:
                raise InputError(f"column {name!r} appears twice", Position(path), "schema")

    def close(self) -> None:
        self.file.close()

    def batches(self, columns: Sequence[str]) -> Iterator[Any]:
        """Record batches of the columns named (pyarrow.RecordBatch)."""
        try:
            yield from self.file.iter_batches(batch_size=self.batch_rows, columns=list(columns))
        except (OSError, self.arrow_error) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(f"cannot read: {message}", Position(self.path)) from None


def batch_columns(batch: Any) -> list[list[object]]:
    """A record batch as Python lists, one per column."""
    return [column.to_pylist() for column in batch.columns]
