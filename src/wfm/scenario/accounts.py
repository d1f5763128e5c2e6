"""Imported debtor accounts as one immutable column table, read once and shared by reference.

A portfolio file of 50,000 rows held as 50,000 pydantic models made the GUI editor deep-copy
and revalidate every row on each keystroke, and every replication task pickle every object.
`AccountTable` is read-only numpy columns instead: a deep copy is the table itself, a pickle
is a few flat arrays, and equality and hash go by a digest of the content, so `==` between
scenarios and `Scenario.content_hash` still see every account.

The rows are checked once, when the table is made (`wfm.scenario.portfolio_file` reports bad
cells row by row before that); a scenario that is edited, copied or validated again keeps the
same table object.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

import numpy as np
from pydantic import Field, GetCoreSchemaHandler, model_validator
from pydantic_core import core_schema

from wfm.scenario.units import Model

MAX_PHONES = 10
"""Most phone numbers an account may have (the dialer keeps one row of numbers per account)."""


class ImportedAccount(Model):
    """One account as a scenario file lists it inline, checked field by field before it joins an `AccountTable`."""

    account_id: str
    balance: float = Field(gt=0)
    dpd: int = Field(ge=0)
    segment: str
    phones: int = Field(default=1, ge=1, le=MAX_PHONES)
    timezone: str = ""
    region: str = ""  # the debtor's jurisdiction for public holidays ("US-NY"); "" = the compliance rules'
    x_km: float | None = None  # the debtor's map position for home visits (km); None = from the postcode or zone
    y_km: float | None = None
    postcode: str = ""  # looked up in strategy.field.postcodes; "" = none

    @model_validator(mode="after")
    def _both_coordinates(self) -> ImportedAccount:
        if (self.x_km is None) != (self.y_km is None):
            raise ValueError(f"account {self.account_id}: give both x_km and y_km, or neither")
        return self


class AccountRow(NamedTuple):
    """One account of an `AccountTable` as plain values: cheap to make, as reports walk every row."""

    account_id: str
    balance: float
    dpd: int
    segment: str
    phones: int
    timezone: str
    region: str = ""
    x_km: float | None = None
    y_km: float | None = None
    postcode: str = ""


PLACE_KEYS = ("x_km", "y_km", "postcode")
"""Row keys of an account's place for home visits; a row without a place leaves them out of `records`."""


def _frozen(values: Any, dtype: Any) -> np.ndarray:
    """A private, read-only 1-D copy: nobody else holds a writable view of the table's data."""
    array = np.array(values, dtype=dtype, copy=True)
    if array.ndim != 1:
        raise ValueError(f"a column must be one-dimensional, not of shape {array.shape}")
    array.setflags(write=False)
    return array


def _codes(names: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct names sorted (so equal content gives equal codes) and each row's index into them."""
    distinct = tuple(sorted(set(names)))
    index = {name: i for i, name in enumerate(distinct)}
    return distinct, np.fromiter((index[n] for n in names), dtype=np.int32, count=len(names))


class AccountTable:
    """The imported accounts, one read-only numpy column per field, in file order.

    Build it with `from_columns` or `from_accounts`, which check every row once. Segment and
    time zone are stored as codes into the sorted tuples of the names that occur. A plain
    class rather than a dataclass: pydantic would dump a dataclass field by field, and a
    scenario dump must hand over the table itself.

    Attributes:
        account_id: account ids (str).
        balance: balance owed (float64, > 0).
        dpd: days past due (int64, >= 0).
        phones: phone numbers per account (int64, 1 to `MAX_PHONES`).
        segment: index into `segment_names` (int32).
        segment_names: the segments that occur, sorted.
        timezone: index into `timezone_names` (int32).
        timezone_names: the time zones that occur, sorted; "" is the center's own.
        region: index into `region_names` (int32).
        region_names: the debtors' holiday jurisdictions that occur ("IT", "US-NY"), sorted; "" = the rules'.
        x_km, y_km: the debtors' map positions for home visits (float64, NaN = not given).
        postcode: index into `postcode_names`.
        postcode_names: the postcodes that occur, sorted; "" = none given.
        digest: SHA-256 of the content; equality and hash use it.
    """

    __slots__ = ("account_id", "balance", "digest", "dpd", "phones", "postcode", "postcode_names", "region",
                 "region_names", "segment", "segment_names", "timezone", "timezone_names", "x_km", "y_km")

    row_model: ClassVar[type[ImportedAccount]] = ImportedAccount
    """What one row is, and how a scenario file lists it inline (error messages list its keys)."""

    account_id: np.ndarray
    balance: np.ndarray
    dpd: np.ndarray
    phones: np.ndarray
    segment: np.ndarray
    segment_names: tuple[str, ...]
    timezone: np.ndarray
    timezone_names: tuple[str, ...]
    region: np.ndarray
    region_names: tuple[str, ...]
    x_km: np.ndarray
    y_km: np.ndarray
    postcode: np.ndarray
    postcode_names: tuple[str, ...]
    digest: str

    def __init__(
        self,
        *,
        account_id: Any,
        balance: Any,
        dpd: Any,
        phones: Any,
        segment: Any,
        segment_names: Sequence[str],
        timezone: Any,
        timezone_names: Sequence[str],
        region: Any = None,
        region_names: Sequence[str] = ("",),
        x_km: Any = None,
        y_km: Any = None,
        postcode: Any = None,
        postcode_names: Sequence[str] = ("",),
    ) -> None:
        """Take the columns (copied and made read-only) and check them; prefer `from_columns`."""
        if region is None:
            region = np.zeros(len(account_id), dtype=np.int32)
        self._fill(account_id, balance, dpd, phones, segment, segment_names, timezone, timezone_names, region,
                   region_names)
        self._fill_places(len(account_id), x_km, y_km, postcode, postcode_names)
        self._check()
        object.__setattr__(self, "digest", self._content_digest())

    def _fill(self, account_id: Any, balance: Any, dpd: Any, phones: Any, segment: Any,
              segment_names: Sequence[str], timezone: Any, timezone_names: Sequence[str], region: Any,
              region_names: Sequence[str]) -> None:
        columns = {
            "account_id": _frozen(account_id, np.str_),
            "balance": _frozen(balance, np.float64),
            "dpd": _frozen(dpd, np.int64),
            "phones": _frozen(phones, np.int64),
            "segment": _frozen(segment, np.int32),
            "timezone": _frozen(timezone, np.int32),
            "region": _frozen(region, np.int32),
            "segment_names": tuple(segment_names),
            "timezone_names": tuple(timezone_names),
            "region_names": tuple(region_names),
        }
        for name, value in columns.items():
            object.__setattr__(self, name, value)

    def _fill_places(self, n: int, x_km: Any, y_km: Any, postcode: Any, postcode_names: Sequence[str]) -> None:
        """The place columns; absent ones are NaN coordinates and the empty postcode."""
        nan = np.full(n, np.nan)
        object.__setattr__(self, "x_km", _frozen(nan if x_km is None else x_km, np.float64))
        object.__setattr__(self, "y_km", _frozen(nan if y_km is None else y_km, np.float64))
        object.__setattr__(self, "postcode", _frozen(np.zeros(n) if postcode is None else postcode, np.int32))
        object.__setattr__(self, "postcode_names", tuple(postcode_names))

    def has_places(self) -> bool:
        """Whether any account carries imported coordinates or a postcode."""
        return bool(any(self.postcode_names) or np.isfinite(self.x_km).any() or np.isfinite(self.y_km).any())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"an AccountTable is immutable; build a new one instead of setting {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"an AccountTable is immutable; cannot delete {name}")

    def _check(self) -> None:
        n = len(self.account_id)
        for name in ("balance", "dpd", "phones", "segment", "timezone", "region", "x_km", "y_km", "postcode"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} rows but account_id has {n}")
        problems = [
            ("balance", ~(np.isfinite(self.balance) & (self.balance > 0)), "is not a number above 0"),
            ("dpd", self.dpd < 0, "is negative; days past due are 0 or more"),
            ("phones", (self.phones < 1) | (self.phones > MAX_PHONES), f"is not a phone count from 1 to {MAX_PHONES}"),
            ("segment", (self.segment < 0) | (self.segment >= len(self.segment_names)), "is not a known segment code"),
            ("timezone", (self.timezone < 0) | (self.timezone >= len(self.timezone_names)),
             "is not a known time-zone code"),
            ("region", (self.region < 0) | (self.region >= len(self.region_names)), "is not a known region code"),
            ("postcode", (self.postcode < 0) | (self.postcode >= len(self.postcode_names)),
             "is not a known postcode code"),
            ("x_km", np.isinf(self.x_km) | np.isinf(self.y_km) | (np.isnan(self.x_km) != np.isnan(self.y_km)),
             "is not a coordinate paired with a y_km; give both x_km and y_km as finite numbers, or neither"),
        ]
        for name, bad, what in problems:
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                value = getattr(self, name)[i]
                raise ValueError(f"imported[{i}] (account {self.account_id[i]}): {name} {value} {what}")
        for kind, names in (("segment", self.segment_names), ("time zone", self.timezone_names),
                            ("region", self.region_names), ("postcode", self.postcode_names)):
            if len(set(names)) != len(names):
                raise ValueError(f"{kind} names {list(names)} repeat; each name must appear once")

    def _content_digest(self) -> str:
        h = hashlib.sha256()
        h.update(json.dumps([self.segment_names, self.timezone_names, self.account_id.tolist()]).encode())
        for array, dtype in ((self.balance, "<f8"), (self.dpd, "<i8"), (self.phones, "<i8"), (self.segment, "<i4"),
                             (self.timezone, "<i4")):
            h.update(array.astype(dtype, copy=False).tobytes())
        if any(self.region_names):  # a table without regions keeps the digest it had before regions existed
            h.update(json.dumps(self.region_names).encode())
            h.update(self.region.astype("<i4", copy=False).tobytes())
        if self.has_places():  # so does a table without places for home visits
            h.update(json.dumps(self.postcode_names).encode())
            for array, dtype in ((self.x_km, "<f8"), (self.y_km, "<f8"), (self.postcode, "<i4")):
                h.update(array.astype(dtype, copy=False).tobytes())
        return h.hexdigest()

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        account_id: Sequence[str],
        balance: Sequence[float],
        dpd: Sequence[int],
        segment: Sequence[str],
        phones: Sequence[int] | None = None,
        timezone: Sequence[str] | None = None,
        region: Sequence[str] | None = None,
        x_km: Sequence[float | None] | None = None,
        y_km: Sequence[float | None] | None = None,
        postcode: Sequence[str] | None = None,
    ) -> AccountTable:
        """A table from one list per field; `phones` defaults to 1, `timezone` and `region` to "" (center's, rules').

        `x_km`, `y_km`: map positions for home visits (None = not given); `postcode`: "" = none.
        """
        n = len(account_id)
        segment_names, segment_codes = _codes(segment)
        timezone_names, timezone_codes = _codes(timezone if timezone is not None else [""] * n)
        region_names, region_codes = _codes(region if region is not None else [""] * n)
        postcode_names, postcode_codes = _codes(postcode if postcode is not None else [""] * n)

        def coordinate(values: Sequence[float | None] | None) -> np.ndarray | None:
            return None if values is None else np.array([np.nan if v is None else v for v in values], dtype=float)

        return cls(account_id=np.array(account_id, dtype=np.str_) if n else np.empty(0, dtype=np.str_),
                   balance=balance, dpd=dpd, phones=phones if phones is not None else np.ones(n),
                   segment=segment_codes, segment_names=segment_names, timezone=timezone_codes,
                   timezone_names=timezone_names, region=region_codes, region_names=region_names or ("",),
                   x_km=coordinate(x_km), y_km=coordinate(y_km), postcode=postcode_codes,
                   postcode_names=postcode_names or ("",))

    @classmethod
    def from_accounts(cls, accounts: Iterable[ImportedAccount]) -> AccountTable:
        """A table of already validated rows (an inline `imported` list of a scenario)."""
        rows = list(accounts)
        if not rows:
            return NO_ACCOUNTS
        return cls.from_columns([a.account_id for a in rows], [a.balance for a in rows], [a.dpd for a in rows],
                                [a.segment for a in rows], [a.phones for a in rows], [a.timezone for a in rows],
                                [a.region for a in rows], [a.x_km for a in rows], [a.y_km for a in rows],
                                [a.postcode for a in rows])

    # ---- rows ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.account_id)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, i: int) -> AccountRow:
        """Row `i`."""
        return AccountRow(self.account_id[i].item(), self.balance[i].item(), self.dpd[i].item(),
                          self.segment_names[self.segment[i]], self.phones[i].item(),
                          self.timezone_names[self.timezone[i]], self.region_names[self.region[i]],
                          _coordinate(self.x_km[i]), _coordinate(self.y_km[i]), self.postcode_names[self.postcode[i]])

    def __iter__(self) -> Iterator[AccountRow]:
        segments, zones, regions = self.segment_names, self.timezone_names, self.region_names
        codes = self.postcode_names
        for a, b, d, s, p, z, r, x, y, c in zip(self.account_id.tolist(), self.balance.tolist(), self.dpd.tolist(),
                                                self.segment.tolist(), self.phones.tolist(), self.timezone.tolist(),
                                                self.region.tolist(), self.x_km.tolist(), self.y_km.tolist(),
                                                self.postcode.tolist(), strict=True):
            yield AccountRow(a, b, d, segments[s], p, zones[z], regions[r], _coordinate(x), _coordinate(y), codes[c])

    def records(self, compact: bool = False) -> list[dict[str, Any]]:
        """The rows as plain dicts, as `ImportedAccount.model_dump` gives them.

        `compact`: leave out the place keys an account does not have (a TOML file has no null).
        """
        rows = [row._asdict() for row in self]
        if compact:
            for row in rows:
                for key in PLACE_KEYS:
                    if row[key] is None or row[key] == "":
                        del row[key]
        return rows

    def total_balance(self) -> float:
        """Sum of the balances, exactly rounded."""
        return math.fsum(self.balance.tolist())

    # ---- identity: immutable, so copies are the table itself ------------------------------

    def __eq__(self, other: object) -> bool:
        """Equal content (by digest); a tuple or list of `ImportedAccount`s or `AccountRow`s compares row by row."""
        if isinstance(other, AccountTable):
            return self is other or self.digest == other.digest
        if isinstance(other, tuple | list):
            return len(other) == len(self) and all(
                row._asdict() == o.model_dump() if isinstance(o, ImportedAccount) else row == o
                for row, o in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.digest)

    def __copy__(self) -> AccountTable:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> AccountTable:
        return self

    def __repr__(self) -> str:
        return f"AccountTable({len(self)} accounts, sha256 {self.digest[:12]})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Account ids travel as one string and their lengths (a fixed-width numpy string array
        # pickles 4 bytes per character of the longest id for every row), integer columns in
        # the narrowest type that holds them; the digest travels too, as the content is checked.
        ids = self.account_id.tolist()
        lengths = _narrow(np.fromiter((len(a) for a in ids), dtype=np.int64, count=len(ids)))
        return (_restore, ("".join(ids), lengths, self.balance, _narrow(self.dpd), _narrow(self.phones),
                           _narrow(self.segment), self.segment_names, _narrow(self.timezone), self.timezone_names,
                           self.digest, _narrow(self.region), self.region_names, self.x_km, self.y_km,
                           _narrow(self.postcode), self.postcode_names))

    # ---- pydantic: accepts a table as it is, or a list of rows to check --------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """A table passes as it is (no copy, no new check); a list of rows is checked row by row."""
        rows = handler.generate_schema(tuple[ImportedAccount, ...])
        return core_schema.no_info_wrap_validator_function(
            cls._validate, rows,
            serialization=core_schema.plain_serializer_function_ser_schema(cls._serialise, info_arg=True),
        )

    @classmethod
    def _validate(cls, value: Any, check_rows: core_schema.ValidatorFunctionWrapHandler) -> AccountTable:
        if isinstance(value, AccountTable):
            return value
        return cls.from_accounts(check_rows(value))

    @staticmethod
    def _serialise(table: AccountTable, info: core_schema.SerializationInfo) -> Any:
        # Python dumps keep the table itself (the GUI editor's dict shares it); JSON lists the rows.
        return table.records() if info.mode_is_json() else table


def _coordinate(value: float) -> float | None:
    """A coordinate as a row gives it: None where not given (NaN in the column)."""
    return None if math.isnan(value) else float(value)


def _narrow(array: np.ndarray) -> np.ndarray:
    """Non-negative integers in the smallest unsigned type that holds them (for pickling)."""
    return array.astype(np.min_scalar_type(int(array.max()) if len(array) else 0))


def _restore(ids: str, lengths: np.ndarray, balance: np.ndarray, dpd: np.ndarray, phones: np.ndarray,
             segment: np.ndarray, segment_names: tuple[str, ...], timezone: np.ndarray,
             timezone_names: tuple[str, ...], digest: str, region: np.ndarray | None = None,
             region_names: tuple[str, ...] = ("",), x_km: np.ndarray | None = None, y_km: np.ndarray | None = None,
             postcode: np.ndarray | None = None, postcode_names: tuple[str, ...] = ("",)) -> AccountTable:
    """The table `AccountTable.__reduce__` packed; checked when first built, so not checked again."""
    ends = np.cumsum(lengths, dtype=np.int64).tolist()
    starts = [0, *ends[:-1]]
    account_id = np.array([ids[s:e] for s, e in zip(starts, ends, strict=True)], dtype=np.str_) if ends \
        else np.empty(0, dtype=np.str_)
    table = object.__new__(AccountTable)
    if region is None:
        region = np.zeros(len(account_id), dtype=np.int32)
    table._fill(account_id, balance, dpd, phones, segment, segment_names, timezone, timezone_names, region,
                region_names)
    table._fill_places(len(account_id), x_km, y_km, postcode, postcode_names)
    object.__setattr__(table, "digest", digest)
    return table


NO_ACCOUNTS = AccountTable.from_columns([], [], [], [])
"""The empty table: a generated portfolio imports nothing."""
