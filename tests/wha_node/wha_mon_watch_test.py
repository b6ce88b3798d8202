#!/usr/bin/env python3
"""wha-mon --watch with its output piped (a log, a script): each refresh reaches the reader as
it is made — not held in a block buffer — without screen-clearing or colour codes, and with
--json one document per line. On a terminal (a pseudo-terminal here) it clears the screen and
colours health. The table shows the status's actions in flight (with migration progress),
health evidence and fencing history. A small server stands in for wha-node and answers every
status request; the test ends the wha-mon it started, by PID, and removes its directory."""

import argparse
import json
import os
import pty
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
          "failcounts": [], "recent": [], "schema": 2,
          "in_flight": [{"action": "migrate vm1 n1->n2", "kind": "migrate", "resource": "vm1", "node": "n1",
                         "target": "n2", "since": time.time() - 12,
                         "progress": {"percent": 40.0, "remaining_bytes": 600 << 20, "total_bytes": 1 << 30}}],
          "local_health": [{"attribute": "#health-disk", "probe": "smart", "value": "green", "since": 1,
                            "checked": 2, "evidence": "sda: reallocated sectors 0"}],
          "fencing": [{"time": 1765000000, "node": "n3", "ok": True, "reason": ""}]}


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


def end(proc):
    """Ends the wha-mon this test started (by its PID)."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def watch(wha_mon, path, extra, count):
    proc = subprocess.Popen([wha_mon, "--socket", path, "--watch", "0.2"] + extra, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        return read_lines(proc, count, 5)
    finally:
        end(proc)


def watch_on_terminal(wha_mon, path, seconds=3):
    """wha-mon --watch with a pseudo-terminal as stdout: what it wrote within `seconds`."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([wha_mon, "--socket", path, "--watch", "0.2"], stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                out += os.read(master, 65536)
            except OSError:  # the terminal closed
                break
    finally:
        end(proc)
        os.close(master)
    return out


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
        for needed in [b"In flight", b"migrate vm1 n1->n2 (for 1", b"40% (600 MiB left)", b"Health evidence (n1)",
                       b"sda: reallocated sectors 0", b"Fencing (by this node)", b"n3 fenced"]:
            if needed not in text:
                failures.append(f"the table lacks {needed!r}:\n{text[:3000]!r}")
        terminal = watch_on_terminal(args.wha_mon, path)
        if b"\x1b[H\x1b[2J" not in terminal or b"\x1b[32m" not in terminal:
            failures.append(f"--watch on a terminal: no screen clearing or colours:\n{terminal[:500]!r}")
        for f in failures:
            print("FAIL", f)
        if not failures:
            print("wha-mon --watch: piped, refreshes arrive at once, one JSON document per line, no escape codes; "
                  "on a terminal, cleared and coloured")
        return 1 if failures else 0
    finally:
        stop.set()
        if thread:
            thread.join(10)
        server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
