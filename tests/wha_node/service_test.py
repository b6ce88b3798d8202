#!/usr/bin/env python3
"""wha-node as systemd runs it (issue 26), where systemd is not PID 1: the test plays the
service manager. It gives the daemon a NOTIFY_SOCKET (a datagram socket it reads),
WATCHDOG_USEC and a JOURNAL_STREAM naming the file its stderr goes to, in a network namespace
of its own with a one-node corosync. Then it checks:

* READY=1 once the node has joined (with a STATUS line), WATCHDOG=1 keep-alives at half the
  interval, none while the daemon is stopped (SIGSTOP: a hung daemon gets restarted);
* SIGHUP: RELOADING=1 then READY=1, a resource added to the cluster file runs; a file with an
  error, through `wha-mon --reload`: exit 1, the error names the file and field, nothing
  changes, the daemon keeps running;
* log lines carry journald's <N> priority prefixes;
* metrics over HTTP (curl inside the namespace): what ran, quorum, the coordinator, in both
  text formats, checked by `promtool check metrics` where Debian's prometheus package is
  installed; 404, 405 and a malformed request are answered and the daemon keeps running;
* SIGTERM: STOPPING=1, a clean leave, exit 0;
* the installed unit passes `systemd-analyze verify`.

It ends only the processes it started (by PID) and removes its namespace and directory.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import daemon_test  # its control-socket client (this directory)

ADDRESS = "10.231.9.1"
METRICS = "127.0.0.1:9464"  # the namespace's own loopback


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def step(name):
    print(f"--- {name}", flush=True)


def run(*cmd, check_rc=True):
    return subprocess.run(cmd, check=check_rc, capture_output=True, text=True, timeout=60)


class Lab:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="wha-service-")
        self.ns = f"wha-svc{os.getpid() % 100000}"
        self.ns_created = False
        self.corosync = None
        self.daemon = None
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify_path = os.path.join(self.work, "notify.sock")
        self.notify.bind(self.notify_path)
        self.stderr_path = os.path.join(self.work, "stderr.log")
        self.sock = os.path.join(self.work, "wha.sock")
        self.cluster = os.path.join(self.work, "cluster.json")
        self.health = os.path.join(self.work, "health.json")

    # --- files ---------------------------------------------------------------------------

    def resource(self, rid):
        return {"id": rid, "backend": "process", "params": {"command": "sleep 3600", "stop_grace": "2s"},
                "operations": {"monitor": {"interval": "1s", "timeout": "5s"}}}

    def write_cluster(self, resources, extra_option=None):
        options = {"cluster_name": "wha-service-test", "stonith_enabled": False}
        if extra_option:
            options.update(extra_option)
        with open(self.cluster + ".tmp", "w") as f:
            json.dump({"version": 1, "options": options, "nodes": [{"id": "n1"}],
                       "resources": [self.resource(r) for r in resources]}, f)
        os.replace(self.cluster + ".tmp", self.cluster)

    def write_health(self, attribute):
        with open(self.health + ".tmp", "w") as f:
            json.dump({"version": 1, "probes": [{"id": "test", "type": "command", "attribute": attribute,
                                                 "command": ["cat", os.path.join(self.work, "colour")],
                                                 "interval": "500ms", "timeout": "2s", "min_dwell": "0s"}]}, f)
        os.replace(self.health + ".tmp", self.health)

    def write_configs(self):
        self.write_cluster(["svc1"])
        with open(os.path.join(self.work, "colour"), "w") as f:
            f.write("green\n")
        self.write_health("#health-test")
        with open(os.path.join(self.work, "node.json"), "w") as f:
            json.dump({"cluster": self.cluster, "health": self.health, "socket": self.sock, "group": f"wha-svc-{os.getpid()}",
                       "ocf_state_dir": self.work, "startup_grace": "2s", "shutdown_kind": "poweroff",
                       "leave_timeout": "20s", "metrics_listen": METRICS}, f)
        with open(os.path.join(self.work, "corosync.conf"), "w") as f:
            f.write(f"""totem {{
  version: 2
  cluster_name: wha-service-test
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}}
logging {{
  to_stderr: no
  to_logfile: yes
  logfile: {self.work}/corosync.log
  to_syslog: no
}}
quorum {{
  provider: corosync_votequorum
}}
system {{
  state_dir: {self.work}
}}
nodelist {{
  node {{
    name: n1
    nodeid: 1
    ring0_addr: {ADDRESS}
  }}
}}
""")

    # --- processes -----------------------------------------------------------------------

    def start(self):
        run("ip", "netns", "add", self.ns)
        self.ns_created = True
        run("ip", "-n", self.ns, "link", "set", "lo", "up")
        # A veth pair with both ends inside: an interface corosync may bind (not loopback).
        run("ip", "-n", self.ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        run("ip", "-n", self.ns, "addr", "add", f"{ADDRESS}/24", "dev", "v0")
        run("ip", "-n", self.ns, "link", "set", "v1", "up")
        run("ip", "-n", self.ns, "link", "set", "v0", "up")
        out = open(os.path.join(self.work, "corosync.out"), "ab")
        # corosync hard-codes /var/run/corosync.pid: a private /run. exec keeps the PID.
        self.corosync = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "unshare", "-m", "--propagation", "private", "sh", "-c",
             f"mount -t tmpfs tmpfs /run && exec corosync -f -c {self.work}/corosync.conf"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        err = open(self.stderr_path, "ab")
        st = os.fstat(err.fileno())
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path, WATCHDOG_USEC="1000000",
                   JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
        env.pop("WATCHDOG_PID", None)
        self.daemon = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, self.args.wha_node, "--config", os.path.join(self.work, "node.json")],
            stdout=err, stderr=err, env=env, start_new_session=True)
        err.close()

    def cleanup(self):
        for p, sig in ((self.daemon, signal.SIGINT), (self.corosync, signal.SIGTERM)):
            if p is not None and p.poll() is None:
                if sig == signal.SIGINT:
                    os.kill(p.pid, signal.SIGCONT)  # in case a check left it stopped
                p.send_signal(sig)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=15)
        if self.ns_created:
            # The resources the daemon started (left running by design) live in the namespace.
            for pid in run("ip", "netns", "pids", self.ns, check_rc=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            run("ip", "netns", "del", self.ns, check_rc=False)
        if self.corosync is not None:
            for name in os.listdir("/dev/shm"):
                if name.startswith(f"qb-{self.corosync.pid}-") or name.startswith(f"qb-corosync-{self.corosync.pid}-"):
                    path = os.path.join("/dev/shm", name)
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)
        self.notify.close()
        if self.args.keep:
            print(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    # --- observing -----------------------------------------------------------------------

    def receive(self, timeout):
        """The next datagram as a list of lines, or None after `timeout` seconds."""
        self.notify.settimeout(max(0.01, timeout))
        try:
            return self.notify.recv(65536).decode().split("\n")
        except socket.timeout:
            return None

    def notifications(self, timeout):
        """Every datagram that arrives within `timeout` seconds."""
        got = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = self.receive(left)
            if message is None:
                break
            got.append(message)
        return got

    def wait_notification(self, line, timeout):
        """The first datagram with `line` (e.g. "READY=1"; "" for any but a keep-alive), and
        those before it that were not keep-alives."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.daemon.poll() is None, f"wha-node exited with {self.daemon.returncode}: {self.stderr()}")
            message = self.receive(min(1.0, deadline - time.monotonic()))
            if message is None or message == ["WATCHDOG=1"]:
                continue
            seen.append(message)
            if line in message or not line:
                return message, seen
        raise Failure(f"no {line or 'notification'} within {timeout}s (got {seen}); stderr: {self.stderr()[-2000:]}")

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def status(self):
        with daemon_test.connect(self.sock) as s:
            s.sendall(b'{"cmd":"status"}\n')
            return json.loads(daemon_test.read_line(s))

    def node_health(self):
        return self.status()["nodes"][0]["health"]

    def running(self):
        return sorted(r["id"] for r in self.status()["resources"]
                      if any(p["state"] == "started" for p in r["placements"]))

    def wait_running(self, expected, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.running() == expected:
                return
            time.sleep(0.2)
        raise Failure(f"running {self.running()}, expected {expected} within {timeout}s")

    def wha_mon(self, *args):
        return subprocess.run([self.args.wha_mon, "--socket", self.sock, *args], capture_output=True, text=True,
                              timeout=30)


def test_ready_and_watchdog(lab):
    step("READY=1 once connected to corosync; STATUS= follows the membership")
    ready, _ = lab.wait_notification("READY=1", 60)
    check(any(line.startswith("STATUS=n1: ") for line in ready), f"no status line: {ready}")
    deadline = time.monotonic() + 30
    while not any(line.startswith("STATUS=n1: 1 member(s) online, quorate, coordinator n1") for line in ready):
        check(time.monotonic() < deadline, f"no quorate status within 30 s (last {ready})")
        ready, _ = lab.wait_notification("", 30)
    lab.wait_running(["svc1"], 30)

    step("status: schema, health evidence, nothing in flight; wha-mon shows them")
    deadline = time.monotonic() + 30
    while lab.node_health() != {"#health-test": "green"}:
        check(time.monotonic() < deadline, f"no green #health-test: {lab.status()}")
        time.sleep(0.2)
    status = lab.status()
    check(status["schema"] == 2 and status["in_flight"] == [] and status["fencing"] == [], f"status: {status}")
    evidence = status["local_health"]
    check(len(evidence) == 1 and evidence[0]["attribute"] == "#health-test" and evidence[0]["value"] == "green"
          and evidence[0]["checked"] > 0, f"local_health: {evidence}")
    r = lab.wha_mon()
    check(r.returncode == 0 and "Health evidence (n1)" in r.stdout and "#health-test" in r.stdout, r.stdout + r.stderr)

    step("bash completion names the daemon's resources and nodes")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "cli", "wha-completion.bash")
    r = subprocess.run(["bash", "-c", 'source "$0"; COMP_WORDS=("$1" --socket "$2" --move ""); COMP_CWORD=4; '
                        '_wha_complete "$1"; printf "%s\\n" "${COMPREPLY[@]}"', script, lab.args.wha_mon, lab.sock],
                       capture_output=True, text=True, timeout=30)
    check({"svc1", "n1"} <= set(r.stdout.split()), f"completion: {r.stdout!r} {r.stderr}")

    step("WATCHDOG=1 about every 0.5 s (WATCHDOG_USEC=1 s)")
    beats = [m for m in lab.notifications(2.2) if m == ["WATCHDOG=1"]]
    check(3 <= len(beats) <= 6, f"{len(beats)} keep-alives in 2.2 s")

    step("a stopped (hung) daemon sends none; it resumes after")
    os.kill(lab.daemon.pid, signal.SIGSTOP)
    try:
        lab.notifications(0.3)  # what was on its way
        check(lab.notifications(2.0) == [], "keep-alives while the daemon was stopped")
    finally:
        os.kill(lab.daemon.pid, signal.SIGCONT)
    check(any(m == ["WATCHDOG=1"] for m in lab.notifications(2.0)), "no keep-alive after SIGCONT")


def test_reload(lab):
    step("SIGHUP: RELOADING=1, then READY=1; the added resource runs")
    lab.write_cluster(["svc1", "svc2"])
    lab.daemon.send_signal(signal.SIGHUP)
    _, seen = lab.wait_notification("READY=1", 30)
    check(any("RELOADING=1" in m for m in seen), f"no RELOADING=1 before READY=1: {seen}")
    lab.wait_running(["svc1", "svc2"], 30)

    step("a changed health file replaces the probes; the old attribute goes")
    lab.write_health("#health-other")
    lab.daemon.send_signal(signal.SIGHUP)
    lab.wait_notification("READY=1", 30)
    deadline = time.monotonic() + 30
    while lab.node_health() != {"#health-other": "green"}:
        check(time.monotonic() < deadline, f"health after reload: {lab.node_health()}")
        time.sleep(0.2)

    step("wha-mon --reload with a bad file: exit 1, the error named, nothing changed")
    lab.write_cluster(["svc1", "svc2", "svc3"], {"no_quorum_policy": "sometimes"})
    r = lab.wha_mon("--reload")
    check(r.returncode == 1, f"wha-mon --reload exit {r.returncode}: {r.stdout}{r.stderr}")
    check("cluster.json" in r.stderr and "no_quorum_policy" in r.stderr, f"error does not name it: {r.stderr}")
    time.sleep(1.5)
    check(lab.daemon.poll() is None, "wha-node exited after a rejected reload")
    check(lab.running() == ["svc1", "svc2"], f"a rejected reload changed what runs: {lab.running()}")

    step("wha-mon --reload with a good file: exit 0, applied")
    lab.write_cluster(["svc1"])
    r = lab.wha_mon("--reload")
    check(r.returncode == 0, f"wha-mon --reload exit {r.returncode}: {r.stderr}")
    lab.wait_running(["svc1"], 30)


def curl(lab, *args):
    return subprocess.run(["ip", "netns", "exec", lab.ns, "curl", "-sS", "--max-time", "10", *args],
                          capture_output=True, text=True, timeout=30)


def test_metrics(lab):
    step("metrics: GET /metrics, the classic text format")
    r = curl(lab, "-D", "-", f"http://{METRICS}/metrics")
    check(r.returncode == 0, f"curl: {r.stderr}")
    head, _, body = r.stdout.partition("\n\n")  # text mode has made CRLF newlines
    check(head.startswith("HTTP/1.1 200") and "text/plain; version=0.0.4" in head, f"headers: {head}")
    for line in ["wha_quorate 1", 'wha_coordinator{node="n1"} 1', 'wha_node_state{node="n1",state="online"} 1',
                 'wha_resource_placement{resource="svc1",node="n1",state="started"} 1',
                 'wha_actions_total{kind="start",result="success"} 1']:
        check(line in body.splitlines(), f"no {line!r} in:\n{body}")
    check("wha_action_duration_seconds_bucket{" in body and "wha_plan_duration_seconds_count" in body, body)
    if shutil.which("promtool"):
        p = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True, timeout=30)
        check(p.returncode == 0, f"promtool check metrics: {p.stdout}{p.stderr}")
        print("promtool check metrics: ok", flush=True)
    else:
        print("promtool not installed (Debian's prometheus package): format checked by the assertions only",
              flush=True)

    step("metrics: OpenMetrics when asked for")
    r = curl(lab, "-D", "-", "-H", "Accept: application/openmetrics-text; version=1.0.0", f"http://{METRICS}/metrics")
    head, _, body = r.stdout.partition("\n\n")  # text mode has made CRLF newlines
    check("application/openmetrics-text" in head and body.endswith("# EOF\n"), f"openmetrics: {head}{body[-200:]}")
    check("# TYPE wha_actions counter" in body.splitlines(), "OpenMetrics counter family named with _total")

    step("metrics: wrong path, method and request are answered")
    check(curl(lab, "-o", "/dev/null", "-w", "%{http_code}", f"http://{METRICS}/nope").stdout == "404", "no 404")
    check(curl(lab, "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", f"http://{METRICS}/metrics").stdout == "405",
          "no 405")
    r = subprocess.run(["ip", "netns", "exec", lab.ns, "python3", "-c",
                        "import socket; s = socket.create_connection(('127.0.0.1', 9464), timeout=5); "
                        "s.sendall(b'GARBAGE\\r\\n\\r\\n'); print(s.recv(100).decode(errors='replace'))"],
                       capture_output=True, text=True, timeout=30)
    check(r.stdout.startswith("HTTP/1.1 400"), f"malformed request: {r.stdout}{r.stderr}")
    check(lab.daemon.poll() is None, "wha-node exited")
    check(lab.status()["ok"] is True, "the daemon does not answer after the bad requests")


def test_journal_lines(lab):
    step("log lines carry journald's priority prefixes")
    lines = [line for line in lab.stderr().splitlines() if line]
    check(lines, "no log lines on stderr")
    check(all(line[:3] in ("<3>", "<4>", "<6>", "<7>") for line in lines), f"unprefixed lines: {lines[:5]}")
    check(any(line.startswith("<3>") and "reload" in line for line in lines), "the rejected reload is no error line")
    check(any(line.startswith("<6>") for line in lines), "no info lines")


def test_stop(lab):
    step("SIGTERM: STOPPING=1, a clean leave, exit 0")
    lab.daemon.send_signal(signal.SIGTERM)
    lab.wait_notification("STOPPING=1", 10)
    try:
        lab.daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise Failure("wha-node did not leave within 30 s of SIGTERM")
    check(lab.daemon.returncode == 0, f"exit {lab.daemon.returncode}")
    check("left the cluster cleanly" in lab.stderr(), "no clean leave in the log")


def test_unit(lab):
    step("the unit passes systemd-analyze verify")
    if shutil.which("systemd-analyze") is None:
        raise Failure("systemd-analyze not found (Debian's systemd package provides it)")
    with open(lab.args.unit) as f:
        text = f.read()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    program = exec_start.split("=", 1)[1].split()[0]
    # Verified as installed, but with this build's binary where the unit expects it.
    unit = os.path.join(lab.work, "wha-node.service")
    with open(unit, "w") as f:
        f.write(text.replace(program, lab.args.wha_node))
    r = run("systemd-analyze", "verify", "--man=no", unit, check_rc=False)
    problems = [line for line in (r.stdout + r.stderr).splitlines() if "wha-node.service" in line]
    check(r.returncode == 0 and not problems, f"systemd-analyze verify: {r.stdout}{r.stderr}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wha-node", required=True)
    parser.add_argument("--wha-mon", required=True)
    parser.add_argument("--unit", required=True, help="the configured wha-node.service")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("corosync") is None:
        print("needs root (network namespaces) and corosync", file=sys.stderr)
        return 1
    lab = Lab(args)
    try:
        test_unit(lab)
        lab.write_configs()
        lab.start()
        test_ready_and_watchdog(lab)
        test_metrics(lab)
        test_reload(lab)
        test_journal_lines(lab)
        test_stop(lab)
        print("PASS")
        return 0
    except (Failure, subprocess.CalledProcessError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        lab.cleanup()


if __name__ == "__main__":
    sys.exit(main())
