#!/usr/bin/env python3
"""wha-mon against a socket whose status reply it cannot read (another wha-node version, or not
wha-node at all): it says so and exits 1 instead of aborting. A one-reply server stands in for
wha-node; the test removes its directory and joins its thread."""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading


def serve_once(server, reply):
    server.settimeout(10)
    try:
        conn, _ = server.accept()
    except socket.timeout:
        return
    with conn:
        conn.settimeout(10)
        conn.recv(65536)
        conn.sendall((json.dumps(reply) + "\n").encode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wha-mon", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wha-mon-reply-")
    try:
        path = os.path.join(work, "wha.sock")
        malformed = [
            {"ok": True, "nodes": 5},                                  # a number, not a list of nodes
            {"ok": True},                                              # nothing at all
            {"ok": True, "nodes": [{"id": "n1"}], "resources": []},    # a node without its state
            {"ok": True, "nodes": [], "resources": [{"id": 7}]},       # a resource id that is no string
            {"ok": True, "nodes": [], "resources": [], "local_health": [{"attribute": 5}]},
            {"ok": True, "nodes": [], "resources": [], "in_flight": [{"since": "soon"}]},
            {"ok": True, "nodes": [], "resources": [], "fencing": [{"time": "noon"}]},
        ]
        failed = 0
        for reply in malformed:
            if os.path.exists(path):
                os.unlink(path)
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(path)
            server.listen(1)
            thread = threading.Thread(target=serve_once, args=(server, reply))
            thread.start()
            result = subprocess.run([args.wha_mon, "--socket", path], capture_output=True, text=True, timeout=30)
            thread.join(15)
            server.close()
            if result.returncode != 1 or "status reply is not what this wha-mon reads" not in result.stderr:
                print(f"FAIL {json.dumps(reply)}: exit {result.returncode}\nstdout: {result.stdout}\n"
                      f"stderr: {result.stderr}")
                failed += 1
            else:
                print(f"ok   {json.dumps(reply)}: {result.stderr.strip()}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
