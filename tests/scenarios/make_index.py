#!/usr/bin/env python3
"""Rewrites INDEX.md from the scenarios' `rule` and `description` fields.

Usage: make_index.py [--check]   (--check: exit 1 if INDEX.md is out of date)
The section titles and the closing "Readings chosen" part are kept from INDEX.md itself.
"""
import collections
import json
import pathlib
import re
import sys

here = pathlib.Path(__file__).resolve().parent
index = here / "INDEX.md"
text = index.read_text(encoding="utf-8")
sections_text, tail = text[text.index("\n## 1.") + 1:].split("## Readings chosen", 1)
titles = re.findall(r"^## (\d+)\. (.*)$", sections_text, re.M)

listed = collections.defaultdict(list)
areas = collections.Counter()
files = sorted(p for p in here.glob("*.json"))
for path in files:
    scenario = json.loads(path.read_text(encoding="utf-8"))
    areas[path.name.split("-")[0]] += 1
    for section in sorted({int(s) for s in re.findall(r"§(\d+)", scenario["rule"])}):
        listed[section].append(f"* `{path.name}` — {scenario['description']}")

lines = ["# Scenario index", "",
         f"{len(files)} scenarios, written from docs/policy.md (not from the code). Each file's `rule`",
         "names the sections it tests; a scenario is listed under every section it cites.", "",
         "Files per area: " + ", ".join(f"{a} {n}" for a, n in sorted(areas.items())) + ".", ""]
for number, title in titles:
    lines += [f"## {number}. {title}", "", *listed[int(number)], ""]
fresh = "\n".join(lines) + "\n## Readings chosen" + tail

if "--check" in sys.argv[1:]:
    if fresh != text:
        sys.exit("tests/scenarios/INDEX.md is out of date: run tests/scenarios/make_index.py")
else:
    index.write_text(fresh, encoding="utf-8")
