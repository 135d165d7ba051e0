"""termcheck: formal verification of service agreements (約款) with Z3."""

__version__ = "0.2.0"
