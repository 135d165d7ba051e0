"""The report as JUnit XML, for CI test reporters: one test case per property.

classname is the property file's stem (`penalty`), name the property id. A property that
met its expectation passes; a known finding passes too, with its reason and
counterexample in <system-out>. An unmet expectation is a <failure> with the story; a
property that could not be decided (inconclusive, vacuous) or whose counterexample the
rules do not replay (divergent) is an <error>: never a pass.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from termcheck.render.document import Doc, Entry, heading, property_stem
from termcheck.render.plain import report

_ERRORS = {"inconclusive", "vacuous", "divergent"}
# Characters XML 1.0 cannot carry even escaped; a stray one in a property file must not
# make the whole report unreadable to the CI tool.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _element(parent: ET.Element, tag: str, attributes: dict[str, str]) -> ET.Element:
    return ET.SubElement(parent, tag, {key: _xml(value) for key, value in attributes.items()})


def outcome(entry: Entry) -> str:
    """ "error", "failure", "finding" or "pass" for one property."""
    if entry["status"] in _ERRORS:
        return "error"
    if not entry["met"]:
        return "failure"
    return "finding" if entry["expected"] == "finding" else "pass"


def render(doc: Doc) -> str:
    entries = doc["properties"]
    tally = [outcome(e) for e in entries]
    counts = {
        "tests": str(len(entries)),
        "failures": str(tally.count("failure")),
        "errors": str(tally.count("error")),
        "skipped": "0",
    }
    suites = ET.Element("testsuites", {"name": "termcheck verify", **counts})
    suite = _element(suites, "testsuite", {"name": doc["terms"]["id"], **counts})
    if _timed(entries):
        seconds = f"{sum(e['seconds'] or 0.0 for e in entries):.4f}"
        suites.set("time", seconds)
        suite.set("time", seconds)
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("terms", doc["terms"]["title"]),
        ("terms.version", doc["terms"]["version"]),
        ("model", doc["terms"]["model"]),
        ("exit_code", str(doc["exit_code"])),
        ("termcheck", doc["termcheck"]),
    ):
        _element(properties, "property", {"name": name, "value": value})
    for entry in entries:
        _testcase(suite, doc, entry)
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _timed(entries: list[Entry]) -> bool:
    return bool(entries) and all(e["seconds"] is not None for e in entries)


def _testcase(suite: ET.Element, doc: Doc, entry: Entry) -> None:
    case = _element(
        suite,
        "testcase",
        {
            "classname": property_stem(entry),
            "name": entry["id"],
            "file": entry["file"],
            "line": str(entry["line"]),
        },
    )
    if entry["seconds"] is not None:
        case.set("time", f"{entry['seconds']:.4f}")
    properties = ET.SubElement(case, "properties")
    for name, value in (
        ("title_ja", entry["title_ja"]),
        ("title_en", entry["title_en"]),
        ("articles", " ".join(heading(doc, a) for a in entry["articles"])),
        ("status", entry["status"]),
        ("expected", entry["expected"]),
    ):
        _element(properties, "property", {"name": name, "value": value})
    kind = outcome(entry)
    story = _xml(report(doc, entry))
    if kind == "error":
        message = f"{entry['status']}: {entry['detail'] or entry['title_en']}"
        _element(case, "error", {"type": entry["status"], "message": message}).text = story
    elif kind == "failure":
        message = f"expected {entry['expected']}, but {entry['status']}: {entry['title_en']}"
        _element(case, "failure", {"type": "unmet", "message": message}).text = story
    elif kind == "finding":
        ET.SubElement(case, "system-out").text = story
