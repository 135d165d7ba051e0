"""The one registry every built-in check of this package registers in."""

from termcheck.verify.registry import Registry

REGISTRY = Registry()
