"""`termcheck verify --format … --out …`: which files a run writes, and that they can be
trusted: the same bytes every run, written whole or not at all, never on bad input."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from termcheck.cli import app
from termcheck.errors import InputError
from termcheck.files import write_atomic

# Two properties keep these runs fast: one proved, one refuted by two customers.
ONLY = ["--only", "billing.not-before-service-start", "--only", "penalty.conduct-as-status"]
EVERY_FORMAT = "markdown,html,json,junit,sarif"
NAMES = {
    "report.ja.md",
    "report.en.md",
    "report.ja.html",
    "report.en.html",
    "report.json",
    "report.junit.xml",
    "report.sarif",
}


def verify(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["verify", *ONLY, *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_several_formats_go_into_a_folder_with_standard_names(tmp_path: Path) -> None:
    code, out, _ = verify(
        "--format", EVERY_FORMAT, "--lang", "ja", "--lang", "en", "--out", str(tmp_path)
    )
    assert code == 0
    assert set(files_in(tmp_path)) == NAMES
    assert "性質2件: 証明済み1、既知の指摘1" in out  # in the first --lang
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [e["seconds"] for e in doc["properties"]] == [None, None]  # timings off for files


def test_formats_repeat_or_come_comma_separated(tmp_path: Path) -> None:
    code, _, _ = verify("--format", "markdown", "--format", "json,sarif", "--out", str(tmp_path))
    assert code == 0
    assert set(files_in(tmp_path)) == {"report.ja.md", "report.json", "report.sarif"}


def test_files_are_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        code, _, _ = verify("--format", EVERY_FORMAT + ",text", "--out", str(folder))
        assert code == 0
    assert files_in(first) == files_in(second)
    assert "report.ja.txt" in files_in(first)


def test_timings_in_files_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "timed.json"
    code, _, _ = verify("--format", "json", "--timings", "--out", str(target))
    assert code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert all(isinstance(e["seconds"], float) for e in doc["properties"])
    code, _, _ = verify("--format", "junit", "--timings", "--out", str(tmp_path / "t.xml"))
    assert 'time="' in (tmp_path / "t.xml").read_text(encoding="utf-8")


def test_one_format_without_out_goes_to_stdout(tmp_path: Path) -> None:
    code, out, _ = verify("--format", "markdown", "--lang", "en")
    assert code == 0
    assert out.startswith("# Verification report: ") and "#### Customer a" in out
    code, out, _ = verify("--format", "sarif")
    assert json.loads(out)["version"] == "2.1.0"


def test_one_format_into_an_existing_folder_takes_its_standard_name(tmp_path: Path) -> None:
    code, _, _ = verify("--format", "html", "--lang", "en", "--out", str(tmp_path))
    assert code == 0
    assert set(files_in(tmp_path)) == {"report.en.html"}


def test_written_files_are_readable_by_others_and_leave_no_temporary_file(
    tmp_path: Path,
) -> None:
    code, _, _ = verify("--format", EVERY_FORMAT, "--out", str(tmp_path))
    assert code == 0
    mask = os.umask(0o022)  # read the umask by setting it, and put it straight back
    os.umask(mask)
    for path in tmp_path.iterdir():
        assert not path.name.startswith("."), path.name  # no temporary file left behind
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "markdown,json"], "--out"),
        (["--format", "pdf"], "--format"),
        (["--format", "html,pdf", "--out", "x"], "'pdf'"),
        (["--lang", "fr"], "--lang"),
    ],
)
def test_bad_report_options_exit_2_before_verifying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = verify(*args)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_bad_input_touches_no_report(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    existing = reports / "report.json"
    existing.write_bytes(b'{"old": true}\n')
    before = existing.stat().st_mtime_ns
    broken = tmp_path / "properties"
    broken.mkdir()
    (broken / "bad.toml").write_text("[[property]]\nid = 'no closing quote\n", encoding="utf-8")
    code, out, err = verify(
        "--properties", str(broken), "--format", EVERY_FORMAT, "--out", str(reports)
    )
    assert code == 2 and out == ""
    assert "bad.toml" in err
    assert files_in(reports) == {"report.json": b'{"old": true}\n'}
    assert existing.stat().st_mtime_ns == before


def test_a_missing_model_writes_nothing(tmp_path: Path) -> None:
    code, _, err = verify(
        str(tmp_path / "no-model"), "--format", "json", "--out", str(tmp_path / "r.json")
    )
    assert code == 2 and "MODEL_DIR" in err
    assert list(tmp_path.iterdir()) == []


# --- Atomic writes ----------------------------------------------------------------------------


def test_write_atomic_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "report.md"
    write_atomic(target, "一\n")
    write_atomic(target, "二\r\n")
    assert target.read_bytes() == "二\r\n".encode()
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_write_atomic_keeps_the_old_file_when_the_move_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")

    def refuse(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match="No space left on device"):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_write_atomic_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
