"""The wheel carries the shipped project as package data.

model/, properties/ and termcheck.toml stay at the top of the repository, where reviewers
edit them; the build copies them into the package as termcheck/shipped/, so that an
installed termcheck checks its models from any folder (termcheck.paths.shipped_root).
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("termcheck.toml", "model", "properties")
PACKAGE_FOLDER = Path("termcheck", "shipped")
# Bytecode and caches left by running the models' billing implementations.
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]", ".*")


class BuildWithShippedProject(build_py):
    def run(self) -> None:
        super().run()
        # An editable install reads the checkout itself; a copy would go stale.
        if self.editable_mode:
            return
        target = Path(self.build_lib) / PACKAGE_FOLDER
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in SHIPPED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=IGNORED)
            elif source.is_file():
                shutil.copy2(source, target / name)
            else:
                # A wheel without its models would fail only later, on a user's machine.
                raise SystemExit(f"setup.py: {name} is missing; build from a full checkout")


setup(cmdclass={"build_py": BuildWithShippedProject})
