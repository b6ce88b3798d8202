#!/usr/bin/env python3
"""A real wha-node fed every control-socket input that used to take it down (issue 22).

Without corosync the daemon keeps retrying to join the cluster, but its control socket is up:
that is all this test needs. It checks that malformed, non-UTF-8 and over-long requests get
error replies and the daemon still answers `status`; that config problems (missing directory,
over-long path) and a second daemon on the same path stop at startup with a message; the
socket's mode; peer checks (as `nobody`, when run as root); the client cap; and that accept
recovers from EMFILE. It stops every daemon it started by PID and removes its directory.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

MAX_REQUEST = 64 * 1024
MAX_CLIENTS = 32
NOBODY = 65534


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Lab:
    def __init__(self, wha_node):
        self.wha_node = wha_node
        self.work = tempfile.mkdtemp(prefix="wha-node-socket-")
        os.chmod(self.work, 0o755)  # `nobody` must reach the socket
        self.sock = os.path.join(self.work, "wha.sock")
        self.daemons = []
        with open(os.path.join(self.work, "cluster.json"), "w") as f:
            json.dump({"version": 1, "options": {"cluster_name": "wha-socket-test"},
                       "nodes": [{"id": "n1"}, {"id": "n2"}], "resources": []}, f)

    def config(self, name, **extra):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            json.dump({"cluster": os.path.join(self.work, "cluster.json"), "socket": self.sock,
                       "log_file": os.path.join(self.work, "wha-node.log"),
                       "group": f"wha-socket-test-{os.getpid()}", **extra}, f)
        return path

    def run_once(self, config):
        """A daemon expected to refuse to start: (exit code, stderr)."""
        p = subprocess.run([self.wha_node, "--config", config], capture_output=True, text=True, timeout=30)
        return p.returncode, p.stderr

    def start(self, config):
        err = open(os.path.join(self.work, "stderr.log"), "a")
        p = subprocess.Popen([self.wha_node, "--config", config], stdout=err, stderr=err)
        err.close()
        self.daemons.append(p)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            check(p.poll() is None, f"wha-node exited with {p.returncode} at startup")
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.connect(self.sock)
                    return p
            except OSError:
                time.sleep(0.1)
        raise Failure("wha-node's socket did not come up within 30 s")

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=15)
                raise Failure("wha-node did not stop within 15 s of SIGTERM")
        self.daemons.remove(p)
        return p.returncode

    def cleanup(self):
        for p in list(self.daemons):
            try:
                self.stop(p)
            except Failure as e:
                print(e, file=sys.stderr)
        shutil.rmtree(self.work, ignore_errors=True)

    def log(self):
        with open(os.path.join(self.work, "wha-node.log"), errors="replace") as f:
            return f.read()


def connect(path, timeout=5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def ask(s, payload):
    s.sendall(payload)
    line = read_line(s)
    check(line.endswith(b"\n"), f"no reply to {payload[:60]!r}")
    line.decode("utf-8")  # every reply is valid UTF-8
    return json.loads(line)


def status(path):
    with connect(path) as s:
        reply = ask(s, b'{"cmd":"status"}\n')
    check(reply.get("ok") is True and [n["id"] for n in reply["nodes"]] == ["n1", "n2"], f"bad status: {reply}")
    return reply


def step(name):
    print(f"--- {name}", flush=True)


def test_config_errors(lab):
    step("config errors stop the daemon with a message")
    code, err = lab.run_once(lab.config("missing-dir.json", socket=os.path.join(lab.work, "no", "such", "wha.sock")))
    check(code == 1 and "does not exist" in err, f"missing directory: exit {code}, {err!r}")
    code, err = lab.run_once(lab.config("long.json", socket="/tmp/" + "x" * 120))
    check(code == 1 and "at most 107 bytes" in err, f"long path: exit {code}, {err!r}")
    code, err = lab.run_once(lab.config("mode.json", socket_mode="rw-rw----"))
    check(code == 1 and "/socket_mode" in err, f"bad mode: exit {code}, {err!r}")


def test_hostile_requests(lab, daemon):
    step("every input that used to abort the daemon gets an error reply")
    bad = [b"[1,2]", b"42", b'{"cmd":5}', b'{"cmd":"standby","on":"yes"}', b'{"cmd":"standby","node":"n1","on":"yes"}',
           b"\xff", b'{"cmd":"status","x":"\xff\xfe"}', b'{"cmd":"attribute","node":"n1","name":"a","value":"\xc3("}',
           b'{"cmd":"status"', b"", b"null", b'{"cmd":"role","resource":"r","role":7}', b"1e999",
           b"[" * 30000 + b"]" * 30000]
    with connect(lab.sock) as s:
        for line in bad:
            reply = ask(s, line + b"\n")
            check(reply.get("ok") is False and isinstance(reply.get("error"), str) and reply["error"],
                  f"{line[:60]!r}: {reply}")
            print(f"  {line[:40]!r} -> {reply['error'][:100]}")
        # The same connection still works: a bad line ends only itself.
        check(ask(s, b'{"cmd":"status"}\n').get("ok") is True, "status after bad lines on the same connection")
    check(daemon.poll() is None, "wha-node died")
    status(lab.sock)

    step(f"a request over {MAX_REQUEST} bytes is refused, naming the limit, and the connection closed")
    with connect(lab.sock) as s:
        s.sendall(b"x" * (MAX_REQUEST + 40000))  # no newline at all
        reply = json.loads(read_line(s))
        check(reply.get("ok") is False and str(MAX_REQUEST) in reply.get("error", ""), f"oversize: {reply}")
        check(s.recv(100) == b"", "connection not closed after an over-long request")
    check(daemon.poll() is None, "wha-node died")
    status(lab.sock)


def test_client_cap(lab):
    step(f"at most {MAX_CLIENTS} clients at once; one more is told so")
    clients = []
    try:
        for _ in range(MAX_CLIENTS):
            s = connect(lab.sock)
            clients.append(s)
            check(ask(s, b'{"cmd":"status"}\n').get("ok") is True, "status on an admitted client")
        with connect(lab.sock) as s:
            reply = ask(s, b'{"cmd":"status"}\n')
            check("too many clients" in reply.get("error", ""), f"client over the cap: {reply}")
    finally:
        for s in clients:
            s.close()
    deadline = time.monotonic() + 10
    while True:  # the daemon notices the closed clients asynchronously
        try:
            status(lab.sock)
            break
        except (Failure, OSError):
            check(time.monotonic() < deadline, "clients not released within 10 s")
            time.sleep(0.1)


def test_second_instance(lab, config):
    step("a second daemon on the same path refuses to start")
    code, err = lab.run_once(config)
    check(code == 1 and "answers on" in err, f"second instance: exit {code}, {err!r}")
    status(lab.sock)


def test_mode(lab, expected):
    st = os.lstat(lab.sock)
    check(stat.S_ISSOCK(st.st_mode), "not a socket")
    check(stat.S_IMODE(st.st_mode) == expected, f"mode {oct(stat.S_IMODE(st.st_mode))}, expected {oct(expected)}")
    check(st.st_gid == os.getegid(), f"group {st.st_gid}")


CLIENT = """
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("EACCES"); sys.exit(0)
f = s.makefile("rb")
for line in sys.argv[2:]:
    s.sendall(line.encode() + b"\\n")
    print(f.readline().decode().strip())
"""


def as_nobody(path, *lines):
    # The system interpreter: this one may live where `nobody` cannot read (e.g. ~root).
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    p = subprocess.run([python, "-c", CLIENT, path, *lines], user=NOBODY, group=NOBODY, extra_groups=[],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 0, f"client as nobody failed: {p.stderr}")
    return p.stdout.splitlines()


def test_emfile(lab, daemon):
    step("accept recovers after running out of file descriptors (EMFILE)")
    used = len(os.listdir(f"/proc/{daemon.pid}/fd"))
    limits = resource.prlimit(daemon.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(daemon.pid, resource.RLIMIT_NOFILE, (used + 3, limits[1]))
    clients = []
    try:
        for _ in range(12):  # more than the daemon can accept now; the rest wait in the backlog
            clients.append(connect(lab.sock, timeout=1))
        deadline = time.monotonic() + 10
        while "accept failed" not in lab.log():
            check(time.monotonic() < deadline, "the daemon never hit EMFILE")
            time.sleep(0.1)
        print("  " + next(line for line in lab.log().splitlines() if "accept failed" in line))
    finally:
        for s in clients:
            s.close()
        resource.prlimit(daemon.pid, resource.RLIMIT_NOFILE, limits)
    deadline = time.monotonic() + 15
    while True:
        try:
            status(lab.sock)
            break
        except (Failure, OSError):
            check(time.monotonic() < deadline, "the socket did not recover from EMFILE within 15 s")
            time.sleep(0.2)
    check(daemon.poll() is None, "wha-node died")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wha-node", required=True)
    args = parser.parse_args()
    lab = Lab(args.wha_node)
    try:
        test_config_errors(lab)

        step("the socket is created 0660 by default")
        config = lab.config("node.json")
        daemon = lab.start(config)
        test_mode(lab, 0o660)
        if os.geteuid() == 0:
            check(as_nobody(lab.sock, '{"cmd":"status"}') == ["EACCES"], "nobody could connect to a 0660 socket")
        test_hostile_requests(lab, daemon)
        test_client_cap(lab)
        test_second_instance(lab, config)
        check(lab.stop(daemon) == 0, "wha-node did not exit cleanly on SIGTERM")
        check(not os.path.exists(lab.sock), "the socket was left behind")

        step("a stale socket (nobody listening) is replaced")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
            stale.bind(lab.sock)
        daemon = lab.start(lab.config("open.json", socket_mode="0666", socket_readonly_others=True))
        test_mode(lab, 0o666)
        if os.geteuid() == 0:
            step("others get read-only status when socket_readonly_others is true")
            status_reply, standby_reply = map(json.loads, as_nobody(
                lab.sock, '{"cmd":"status"}', '{"cmd":"standby","node":"n1","on":true}'))
            check(status_reply.get("ok") is True, f"nobody's status: {status_reply}")
            check("permission denied" in standby_reply.get("error", ""), f"nobody's command: {standby_reply}")
        test_emfile(lab, daemon)
        check(lab.stop(daemon) == 0, "wha-node did not exit cleanly on SIGTERM")

        if os.geteuid() == 0:
            step("others are refused when socket_readonly_others is false")
            daemon = lab.start(lab.config("closed.json", socket_mode="0666"))
            reply = json.loads(as_nobody(lab.sock, '{"cmd":"status"}')[0])
            check("permission denied" in reply.get("error", ""), f"nobody's status: {reply}")
            status(lab.sock)
            check(lab.stop(daemon) == 0, "wha-node did not exit cleanly on SIGTERM")
        print("PASS")
        return 0
    except (Failure, OSError, ValueError, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        for name in ("wha-node.log", "stderr.log"):
            path = os.path.join(lab.work, name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    print(f"--- {name} (last 30 lines)\n" + "".join(f.readlines()[-30:]), file=sys.stderr)
        return 1
    finally:
        lab.cleanup()


if __name__ == "__main__":
    sys.exit(main())
