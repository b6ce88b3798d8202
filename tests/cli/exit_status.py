#!/usr/bin/env python3
"""The command-line tools' exit status convention (issue 26): 0 ok, 1 invalid input or a problem
found, 2 usage (a command line the tool cannot use, CLI11's own codes never leak); wha-health
as a monitoring plugin: 0 green, 1 yellow, 2 red, 3 unknown. Also: a list option takes one
value per occurrence and leaves the cluster file that follows it alone."""

import argparse
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="directory holding wha-simulate, wha-verify, ...")
    parser.add_argument("--source", required=True, help="the source tree (examples, tests/data)")
    parser.add_argument("--with-cib", default="0", help="1 when the tools can read a Pacemaker CIB")
    parser.add_argument("--wha-node", help="the wha-node daemon, when built (it lives apart from the tools)")
    args = parser.parse_args()
    example = os.path.join(args.source, "examples/clusters/two-hosts-vms.json")
    data = os.path.join(args.source, "tests/data")
    health = os.path.join(data, "health")
    missing = os.path.join(data, "no-such-file.json")
    cases = [
        # (tool, arguments, status, text expected in stdout + stderr, or "stdout:" + in stdout alone)
        ("wha-simulate", [], 2, r"a cluster is required"),
        ("wha-simulate", ["--help"], 0, r"Exit status"),
        ("wha-simulate", ["--version"], 0, r"\d+\.\d+"),
        ("wha-simulate", [missing], 2, r"File does not exist"),
        ("wha-simulate", ["--survive", "4", example], 2, r"not in range"),
        ("wha-simulate", ["--no-such-option", example], 2, r"no-such-option"),
        ("wha-simulate", ["--bogus", "x"], 2, r"not expected: --bogus"),
        ("wha-simulate", [os.path.join(data, "bad-cluster.json")], 1, r"error: "),
        ("wha-simulate", ["-q", "--explain", "nope", example], 1, r'unknown resource "nope"'),
        ("wha-simulate", ["-q", "--explain", "vm-db", example], 0, r"Scores for vm-db"),
        ("wha-simulate", ["-q", "--explain", "vm-db", "--explain", "vm-web", example], 0,
         r"Scores for vm-db(.|\n)*Scores for vm-web"),
        ("wha-simulate", ["-q", "--node-down", "host-a", "--node-down", "host-b", example], 0, r"Fence +host-b"),
        ("wha-simulate", [example, "--dot", "-"], 0, r"stdout:^digraph transition \{(.|\n)*\}\n$"),
        ("wha-simulate", [example, "--dot", "-", "--save", "-"], 2, r"both want standard output"),
        ("wha-verify", [], 2, r"give cluster JSON files or --cib FILE"),
        ("wha-verify", ["--version"], 0, r"\d+\.\d+"),
        ("wha-verify", [os.path.join(data, "bad-cluster.json")], 1, r"error"),
        ("wha-verify", [example], 0, r""),
        ("wha-mon", ["--socket", missing, "--no-such-option"], 2, r"no-such-option"),
        ("wha-mon", ["--socket", missing, "--move", "vm1", "n2", "--standby", "n1"], 2, r"one command at a time"),
        ("wha-mon", ["--socket", missing, "--standby", "n1", "--watch", "1"], 2, r"one command at a time"),
        ("wha-sim", ["--no-such-option"], 2, r"no-such-option"),
        ("wha-sim", ["--version"], 0, r"\d+\.\d+"),
        ("wha-mon", ["--version"], 0, r"\d+\.\d+"),
        ("wha-health", ["--version"], 0, r"\d+\.\d+"),
        ("wha-health", ["--config", os.path.join(health, "plugin-green.json")], 0, r"green"),
        ("wha-health", ["--config", os.path.join(health, "plugin-yellow.json")], 1, r"yellow"),
        ("wha-health", ["--config", os.path.join(health, "wha-health-fixtures.json")], 2, r"red"),
        ("wha-health", ["--config", os.path.join(health, "plugin-probe-fails.json")], 3, r"PROBE ERROR"),
        ("wha-health", ["--config", os.path.join(health, "bad-health.json")], 3, r""),
        ("wha-health", ["--no-such-option"], 3, r"no-such-option"),
    ]
    cib = os.path.join(data, "cib")
    if args.with_cib in ("1", "ON", "TRUE", "true"):
        cases += [
            ("wha-verify", ["--cib", os.path.join(cib, "basic.xml")], 0, r"basic\.xml: valid"),
            ("wha-verify", ["--cib", os.path.join(cib, "malformed.xml")], 1, r"invalid XML"),
            ("wha-verify", ["--strict", "--cib", os.path.join(cib, "unsupported.xml")], 1, r"fail --strict"),
            ("wha-verify", ["--cib", os.path.join(cib, "basic.xml"), example], 0, r"two-hosts-vms\.json: valid"),
        ]
    if args.wha_node:
        cases += [
            ("wha-node", [], 2, r"--config is required"),
            ("wha-node", ["--version"], 0, r"\d+\.\d+"),
            ("wha-node", ["--no-such-option"], 2, r"no-such-option"),
            ("wha-node", ["--bogus", "x"], 2, r"not expected: --bogus x"),
            ("wha-node", ["--config", missing], 2, r"File does not exist"),
            ("wha-node", ["--config", os.path.join(data, "wha-node-bad-durations.json")], 1, r"wha-node-bad-durations"),
        ]
    failed = 0
    for tool, arguments, status, text in cases:
        program = args.wha_node if tool == "wha-node" else os.path.join(args.bin, tool)
        command = [program] + arguments
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=60,
                                cwd=args.source)
        # "stdout:PATTERN": standard output alone must match (nothing else mixed into it).
        output = result.stdout if text.startswith("stdout:") else result.stdout + result.stderr
        pattern = text.removeprefix("stdout:")
        if result.returncode != status or not re.search(pattern, output):
            failed += 1
            print(f"FAIL {tool} {' '.join(arguments)}: exit {result.returncode} (want {status}), "
                  f"output must match {text!r}:\n{output[:2000]}")
        else:
            print(f"ok   {tool} {' '.join(arguments)} -> {status}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
