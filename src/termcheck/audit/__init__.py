"""Auditing billing records against the terms (`termcheck audit`).

A billing export holds, per customer, the facts the terms compute from and what was
actually charged. :func:`audit_file` checks every record: its facts must make a possible
case of the model, and each charge it gives must be what the terms (or the record's
quote's effective terms) decide. The formulas are compiled once into Python
(:mod:`termcheck.audit.compile`, tested to agree with the concrete meaning), the file is
read as a stream of partitions, and the partitions are checked in this process, in a
pool of processes, or on a Dask cluster (:mod:`termcheck.audit.run`). pyarrow (Parquet)
and dask.distributed are imported only when a run needs them.
"""

from __future__ import annotations

from termcheck.audit.run import Audit, audit_file

__all__ = ["Audit", "audit_file"]
