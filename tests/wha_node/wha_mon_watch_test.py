#!/usr/bin/env python3
"""wha-mon --watch with its output piped (a log, a script): each refresh reaches the reader as
it is made — not held in a block buffer — without screen-clearing or colour codes, and with
--json one document per line. A small server stands in for wha-node and answers every status
request; the test ends the wha-mon it started, by PID, and removes its directory."""

import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

STATUS = {"ok": True, "quorate": True, "idle": True, "coordinator": "n1", "local": "n1",
          "failover_capacity": {"tolerated": True, "verdict": "tolerates 1 host failure: yes (2 cases checked)",
                                "spares_in_use": []},
          "nodes": [{"id": "n1", "state": "online", "health": {"#health-disk": "green"}}],
          "resources": [{"id": "vm1", "backend": "libvirt", "placements": [{"node": "n1", "state": "started"}]}],
          "failcounts": [], "recent": []}


def serve(server, stop):
    server.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                conn.sendall((json.dumps(STATUS) + "\n").encode())
            except OSError:
                pass


def read_lines(proc, count, seconds):
    """Up to `count` lines of proc's stdout within `seconds`."""
    lines, buffer = [], b""
    deadline = time.monotonic() + seconds
    while len(lines) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        lines.extend(complete)
    return lines


def watch(wha_mon, path, extra, count):
    proc = subprocess.Popen([wha_mon, "--socket", path, "--watch", "0.2"] + extra, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        return read_lines(proc, count, 5)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wha-mon", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wha-mon-watch-")
    stop = threading.Event()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    thread = None
    try:
        path = os.path.join(work, "wha.sock")
        server.bind(path)
        server.listen(8)
        thread = threading.Thread(target=serve, args=(server, stop))
        thread.start()
        failures = []
        documents = watch(args.wha_mon, path, ["--json"], 3)
        if len(documents) < 3:
            failures.append(f"--watch --json piped: {len(documents)} line(s) within 5 s, expected 3")
        for line in documents:
            try:
                clean = b"\x1b" not in line and json.loads(line).get("local") == "n1"
            except ValueError:
                clean = False
            if not clean:
                failures.append(f"--watch --json piped: not one clean JSON document per line: {line[:200]!r}")
        table = watch(args.wha_mon, path, [], 20)
        text = b"\n".join(table)
        if text.count(b"Cluster: quorate") < 2:
            failures.append(f"--watch piped: fewer than 2 refreshes within 5 s:\n{text[:2000]!r}")
        if b"\x1b" in text:
            failures.append("--watch piped: escape codes in the output")
        for f in failures:
            print("FAIL", f)
        if not failures:
            print("wha-mon --watch piped: refreshes arrive at once, one JSON document per line, no escape codes")
        return 1 if failures else 0
    finally:
        stop.set()
        if thread:
            thread.join(10)
        server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
