"""termcheck: formal verification of service agreements (約款) with Z3.

The public API, for scripts and notebooks; the command line (`termcheck`) is built on it::

    from termcheck import load_spec, load_properties, check_all, Options, evaluate, Scenario

    spec = load_spec(Path("model/usen-gate02-iij-id"))
    outcome = evaluate(spec, Scenario(date(2026, 3, 15), 100_000, Month(2026, 10)))
    for result in check_all(spec, load_properties(Path("properties"), spec), Options()):
        print(result.prop.id, result.status.value, result.met)
"""

from termcheck.calendar import Month, MonthEnd, add_months, period_end
from termcheck.check import Counterexample, Evidence, Options, Result, Status, check_all, exit_code
from termcheck.errors import InputError, Position, ScenarioError, TermcheckError
from termcheck.properties import Property, load_properties
from termcheck.rules import Outcome, Scenario, evaluate
from termcheck.spec import Spec, load_spec
from termcheck.vocabulary import QUANTITIES, Ground, LiabilityReading, NoticeReading, Quantity

__version__ = "0.1.0"

__all__ = [
    "QUANTITIES",
    "Counterexample",
    "Evidence",
    "Ground",
    "InputError",
    "LiabilityReading",
    "Month",
    "MonthEnd",
    "NoticeReading",
    "Options",
    "Outcome",
    "Position",
    "Property",
    "Quantity",
    "Result",
    "Scenario",
    "ScenarioError",
    "Spec",
    "Status",
    "TermcheckError",
    "__version__",
    "add_months",
    "check_all",
    "evaluate",
    "exit_code",
    "load_properties",
    "load_spec",
    "period_end",
]
