"""`python -m termcheck`: the command line, without relying on a script on PATH."""

from termcheck.cli import main

main()
