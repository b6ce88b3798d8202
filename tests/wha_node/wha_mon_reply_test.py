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
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        # "ok" but "nodes" is a number, not a list of nodes.
        thread = threading.Thread(target=serve_once, args=(server, {"ok": True, "nodes": 5}))
        thread.start()
        result = subprocess.run([args.wha_mon, "--socket", path], capture_output=True, text=True, timeout=30)
        thread.join(15)
        server.close()
        if result.returncode != 1 or "status reply is not what this wha-mon reads" not in result.stderr:
            print(f"unexpected: exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
            return 1
        print("wha-mon refused the malformed reply:", result.stderr.strip())
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
