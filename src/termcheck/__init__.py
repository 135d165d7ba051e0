"""termcheck: formal verification of service agreements (約款) with Z3."""

__version__ = "0.1.0"
