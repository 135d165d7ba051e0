"""The built-in checks: properties of a model's structure rather than of one case.

Importing this package registers every check in :data:`REGISTRY`; this is the one place
that names them all, so no module below it imports a check.
"""

from termcheck.checks import (
    effective,
    lifecycle_check,
    precedence,
    pricelist,
    substitution,
)
from termcheck.checks._registry import REGISTRY

__all__ = ["REGISTRY"]
_PROVIDERS = (effective, lifecycle_check, precedence, pricelist, substitution)
