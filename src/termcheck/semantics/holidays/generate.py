"""Regenerate a stored holiday table from the `holidays` library (python-holidays).

    python -m termcheck.semantics.holidays.generate jp 1955 2099

The tables are data in this folder, one holiday a line, so that termcheck needs no
holiday library at run time and Z3 sees a finite table. ``tests/test_business_days.py``
compares the stored Japanese table with the library whenever the library is installed
(the test extra installs it), so a correction upstream shows as a failing test.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTRIES = {"jp": "Japan"}


def holidays_of(country: str, first_year: int, last_year: int) -> list[tuple[date, str]]:
    import holidays  # the optional dependency, needed only to regenerate

    table = getattr(holidays, COUNTRIES[country])(years=range(first_year, last_year + 1))
    return sorted(table.items())


def render(country: str, first_year: int, last_year: int) -> str:
    import holidays

    version = getattr(holidays, "__version__", "?")
    lines = [
        f"# {COUNTRIES[country]}: public holidays {first_year}-{last_year}, from python-holidays "
        f"{version}.",
        "# Regenerate with: python -m termcheck.semantics.holidays.generate "
        f"{country} {first_year} {last_year}",
        f"years {first_year} {last_year}",
    ]
    lines += [
        f"{day.isoformat()} {name}" for day, name in holidays_of(country, first_year, last_year)
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in COUNTRIES:
        print("usage: python -m termcheck.semantics.holidays.generate jp FIRST_YEAR LAST_YEAR")
        return 2
    country, first, last = argv[0], int(argv[1]), int(argv[2])
    (HERE / f"{country}.txt").write_text(render(country, first, last), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
