#!/bin/sh
# Runs billing.awk as a termcheck-conform/1 program. mawk (Debian's awk) reads a pipe in
# blocks unless told to read line by line, and would wait for input termcheck never sends.
here=$(dirname "$0")
if awk -W version 2>&1 | grep -q mawk; then
    exec awk -W interactive -f "$here/billing.awk"
fi
exec awk -f "$here/billing.awk"
