#!/usr/bin/env python3
"""Three real nodes on one machine: a network namespace each, corosync and wha-node in each.

Scenarios (issue 6): (1) a process resource is killed and restarted in place; (2) a node's
health turns red and its migratable resource moves away without disturbing the others; (3) a
node's corosync is killed, the node is fenced and its resources start elsewhere once; (4) a
partition isolates one node: it stops its resources itself, the majority carries on; (5) the
coordinator's daemon is killed, another node takes over and nothing runs twice.

Every resource writes START/STOP lines to a shared event log and the fence agent writes
FENCED lines; the log is replayed at the end to prove no resource ever ran twice at once.
The test ends only the processes it started (by PID) and removes what it created.
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
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODES = ["n1", "n2", "n3"]
SUBNET = "10.231.7"


def now():
    return time.time()


def log(msg):
    print(f"[{now():.3f}] {msg}", flush=True)


class Failure(Exception):
    pass


def wait_for(what, predicate, timeout):
    deadline = now() + timeout
    while now() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise Failure(f"timed out after {timeout}s waiting for {what}")


def run(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


class Cluster:
    def __init__(self, args):
        self.args = args
        self.tag = f"wha{os.getpid() % 100000}"
        self.work = Path(tempfile.mkdtemp(prefix="wha-cluster-"))
        self.events = self.work / "events.log"
        self.events.touch()
        self.hub = f"{self.tag}-hub"
        self.corosync = {}  # node -> Popen
        self.daemons = {}  # node -> Popen
        self.created_ns = []
        self.doomed = set()  # nodes being fenced: their processes are meant to die
        # Each node's hypervisor: a private libvirtd (tests/libvirt/hosts.sh) reached through
        # its socket; fencing a node also powers off its hypervisor and guests.
        self.libvirt = args.libvirt
        self.hosts_sh = HERE.parent / "libvirt" / "hosts.sh"
        self.lv_env = dict(os.environ, WHA_LV_BASE=str(self.work / "lv"))
        self.last_vm_check = 0.0

    # --- network -----------------------------------------------------------------------

    def ns(self, node):
        return f"{self.tag}-{node}"

    def veth(self, node):
        return f"{self.tag}h{node[1:]}"

    def build_network(self):
        run("ip", "netns", "add", self.hub)
        self.created_ns.append(self.hub)
        run("ip", "-n", self.hub, "link", "set", "lo", "up")
        run("ip", "-n", self.hub, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.hub, "addr", "add", f"{SUBNET}.254/24", "dev", "br0")
        run("ip", "-n", self.hub, "link", "set", "br0", "up")
        for i, node in enumerate(NODES, start=1):
            ns = self.ns(node)
            run("ip", "netns", "add", ns)
            self.created_ns.append(ns)
            (self.work / f"{node}.netns").write_text(ns)
            run("ip", "link", "add", self.veth(node), "netns", self.hub, "type", "veth", "peer", "name", "eth0",
                "netns", ns)
            run("ip", "-n", self.hub, "link", "set", self.veth(node), "master", "br0", "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "addr", "add", f"{SUBNET}.{i}/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")

    def set_link(self, node, up):
        run("ip", "-n", self.hub, "link", "set", self.veth(node), "up" if up else "down")

    # --- configuration -----------------------------------------------------------------

    def write_configs(self):
        nodelist = "".join(
            f"  node {{\n    name: {n}\n    nodeid: {i}\n    ring0_addr: {SUBNET}.{i}\n  }}\n"
            for i, n in enumerate(NODES, start=1))
        service = HERE / "logged_service.sh"
        resources = []
        for i, n in enumerate(NODES, start=1):
            resources.append({
                "id": f"svc{i}", "backend": "process",
                "params": {"command": f"{service} {self.events} svc{i}", "stop_grace": "5s"},
                "operations": {"monitor": {"interval": "1s", "timeout": "5s"}},
            })
        (self.work / "ckpt").mkdir()
        counter_log = self.work / "counter.log"
        resources.append({
            "id": "counter", "backend": "checkpoint",
            "params": {"command": f"{self.args.counter} --log {counter_log} --state-dir {self.work / 'ckpt'}",
                       "checkpoint_dir": str(self.work / "ckpt")},
            "meta": {"allow_migrate": True},
            "operations": {"monitor": {"interval": "1s", "timeout": "5s"}},
        })
        if self.libvirt:
            kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
            resources.append({
                "id": "vm1", "backend": "libvirt",
                "params": {"xml": "<domain type='{}'><name>vm1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                  "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                                  "<emulator>/usr/bin/qemu-system-x86_64</emulator><controller type='usb' "
                                  "model='none'/><memballoon model='none'/><serial type='null'/></devices>"
                                  "</domain>".format("kvm" if kvm else "qemu"),
                           "shutdown_timeout": "2s", "migration_uri": "tcp://127.0.0.1"},
                "meta": {"allow_migrate": True},
                "operations": {"monitor": {"interval": "1s", "timeout": "10s"}},
            })
        constraints = [{"type": "location", "id": f"svc{i}-prefers-{n}", "resource": f"svc{i}", "node": n,
                        "score": 100} for i, n in enumerate(NODES, start=1)]
        if self.libvirt:
            constraints.append({"type": "location", "id": "vm1-prefers-n2", "resource": "vm1", "node": "n2",
                                "score": 100})
        constraints.append({"type": "location", "id": "counter-prefers-n2", "resource": "counter", "node": "n2",
                            "score": 100})
        cluster = {
            "version": 1,
            "options": {
                "cluster_name": "wha-e2e",
                "health": {"strategy": "migrate-on-red"},
                "stonith_enabled": True,
                "no_quorum_policy": "stop",
                "resource_defaults": {"stickiness": 200, "migration_threshold": 3},
            },
            "nodes": [{"id": n} for n in NODES],
            "resources": resources,
            "constraints": constraints,
        }
        (self.work / "cluster.json").write_text(json.dumps(cluster, indent=2))
        for n in NODES:
            d = self.work / n
            d.mkdir()
            (d / "ocf").mkdir()
            (d / "health").write_text("green\n")
            (d / "health.json").write_text(json.dumps({
                "version": 1,
                "probes": [{"id": "test", "type": "command", "attribute": "#health-test",
                            "command": ["cat", str(d / "health")], "interval": "500ms", "timeout": "2s",
                            "min_dwell": "0s"}],
            }))
            libvirt = {"libvirt": {"node_uris": {h: f"qemu:///system?socket={self.libvirt_socket(h)}" for h in NODES},
                                   "peer_uris": {h: f"qemu+unix:///system?socket={self.libvirt_socket(h)}"
                                                 for h in NODES}}} if self.libvirt else {}
            (d / "node.json").write_text(json.dumps({
                **libvirt,
                "cluster": str(self.work / "cluster.json"),
                "socket": str(d / "wha.sock"),
                "log_file": str(d / "wha-node.log"),
                "health": str(d / "health.json"),
                "ocf_state_dir": str(d / "ocf"),
                "startup_grace": "20s",
                "sync_timeout": "5s",
                "fencing": {"type": "command", "program": str(HERE / "fence_netns.sh"),
                            "args": [str(self.work), "{node}"]},
            }, indent=2))
            (d / "corosync.conf").write_text(f"""totem {{
  version: 2
  cluster_name: wha-e2e
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: {self.args.token}
}}
logging {{
  to_stderr: no
  to_logfile: yes
  logfile: {d / 'corosync.log'}
  to_syslog: no
  timestamp: hires
}}
quorum {{
  provider: corosync_votequorum
}}
system {{
  state_dir: {d}
}}
nodelist {{
{nodelist}}}
""")

    # --- processes ---------------------------------------------------------------------

    def start_node(self, node):
        d = self.work / node
        # corosync hard-codes /var/run/corosync.pid: give it a private /run. The exec chain
        # keeps one PID, so the Popen's pid is corosync's.
        out = open(d / "corosync.out", "ab")
        self.corosync[node] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(node), "unshare", "-m", "--propagation", "private", "sh", "-c",
             f"mount -t tmpfs tmpfs /run && exec corosync -f -c {d / 'corosync.conf'}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out = open(d / "wha-node.out", "ab")
        env = dict(os.environ, WHA_NODE=node)
        self.daemons[node] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(node), *self.args.wrapper.split(), self.args.wha_node, "--config",
             str(d / "node.json")],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def check_alive(self):
        for node, p in self.daemons.items():
            if node not in self.doomed and p.poll() is not None:
                out = (self.work / node / "wha-node.out").read_text()
                raise Failure(f"wha-node on {node} exited with {p.returncode}: {out}")

    def libvirt_socket(self, node):
        return self.work / "lv" / node / "sock" / "libvirt-sock"

    def hosts(self, *args):
        r = subprocess.run([str(self.hosts_sh), *args], env=self.lv_env, capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(f"hosts.sh {' '.join(args)} failed: {r.stderr}")

    def running_guests(self):
        """{guest: [hosts where it runs]} straight from the hypervisors."""
        found = {}
        for n in NODES:
            r = subprocess.run(["virsh", "-q", "-c", f"qemu:///system?socket={self.libvirt_socket(n)}", "list",
                                "--state-running", "--name"], capture_output=True, text=True)
            for name in r.stdout.split():
                found.setdefault(name, []).append(n)
        return found

    def check_guests(self, force=False):
        """A guest running on two hypervisors at once is the worst failure there is."""
        if not self.libvirt or (not force and now() - self.last_vm_check < 0.5):
            return
        self.last_vm_check = now()
        twice = {g: h for g, h in self.running_guests().items() if len(h) > 1}
        if twice:
            raise Failure(f"guests running on two hosts: {twice}")

    def reap(self, node):
        """After a fence: collect the exit statuses and libqb's leftovers of the dead corosync."""
        for table in (self.corosync, self.daemons):
            p = table.pop(node, None)
            if p is not None:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    raise Failure(f"a process of {node} survived its fence: pid {p.pid}")
                if table is self.corosync:
                    self.remove_qb_leftovers(p.pid)

    @staticmethod
    def remove_qb_leftovers(pid):
        for entry in Path("/dev/shm").glob(f"qb-{pid}-*"):
            shutil.rmtree(entry, ignore_errors=True)
        for entry in Path("/dev/shm").glob(f"qb-corosync-{pid}-*"):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)

    def reboot(self, node):
        """The fenced node comes back: a fresh corosync and wha-node in its namespace."""
        self.reap(node)
        self.doomed.discard(node)
        log(f"rebooting {node}")
        if self.libvirt:
            self.hosts("up-one", node, node[1:])
        self.start_node(node)

    def cleanup(self):
        if self.libvirt:
            subprocess.run([str(self.hosts_sh), "down"], env=self.lv_env, capture_output=True)
        procs = list(self.daemons.values()) + list(self.corosync.values())
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = now() + 10
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - now()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        # Resources the daemons started (they leave them running by design) live in the
        # namespaces this test created.
        for ns in self.created_ns:
            pids = run("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for p in self.corosync.values():
            self.remove_qb_leftovers(p.pid)
        for ns in reversed(self.created_ns):
            run("ip", "netns", "del", ns, check=False)
        if self.args.keep:
            log(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    # --- observing -----------------------------------------------------------------------

    def status(self, node):
        """wha-node's status (what wha-mon --json shows) over its Unix socket."""
        path = str(self.work / node / "wha.sock")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(path)
                s.sendall(b'{"cmd":"status"}\n')
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            return json.loads(data)
        except (OSError, ValueError):
            return None

    def placements(self, node):
        """{resource: [nodes where it is started]} as `node`'s replica sees it."""
        s = self.status(node)
        if s is None:
            return None
        return {r["id"]: sorted(p["node"] for p in r["placements"] if p["state"] == "started")
                for r in s["resources"]}

    def converged(self, node, expect=None):
        s = self.status(node) if node else None
        if s is None or not s["quorate"] or not s["coordinator"]:
            return False
        # Only the coordinator knows whether work is pending; `node` shows its replica.
        coordinator = s if s["coordinator"] == node else self.status(s["coordinator"])
        if coordinator is None or not coordinator["idle"]:
            return False
        placed = self.placements(node)
        if placed is None:
            return False
        if any(len(v) != 1 for v in placed.values()):
            return False
        return placed if expect is None or expect(placed) else False

    def events_since(self, t):
        out = []
        for line in self.events.read_text().splitlines():
            parts = line.split()
            if parts and float(parts[0]) >= t:
                out.append(parts)
        return out

    def started_pids(self, resource, node):
        pids = [int(p[4]) for p in self.events_since(0) if p[1] == "START" and p[2] == resource and p[3] == node]
        return pids[-1] if pids else None


def check_never_twice(events):
    """Replays the event log: a START of a resource that is already active anywhere fails."""
    active = {}  # resource -> node
    problems = []
    for parts in events:
        t, kind = float(parts[0]), parts[1]
        if kind == "START":
            resource, node = parts[2], parts[3]
            if resource in active:
                problems.append(f"{t:.3f}: {resource} started on {node} while active on {active[resource]}")
            active[resource] = node
        elif kind in ("STOP", "KILLED"):
            resource, node = parts[2], parts[3]
            if active.get(resource) == node:
                del active[resource]
        elif kind == "FENCED":
            node = parts[2]
            for resource in [r for r, n in active.items() if n == node]:
                del active[resource]
    return problems


def check_counter(path, restarts):
    """The checkpointed counter logs 1, 2, 3, ...: a gap lost state, a repeat means two copies.
    It restarts from 1 only when the node running it was fenced (`restarts` times): a live
    migration must carry the count over."""
    values = [int(v) for v in Path(path).read_text().split()]
    runs = 1
    for a, b in zip(values, values[1:]):
        if b == 1:
            runs += 1
        elif b != a + 1:
            return f"counter jumped from {a} to {b}"
    if runs != 1 + restarts:
        return f"counter started from 1 {runs} times; expected {1 + restarts} (lost state in a migration?)"
    return None


def log_time(path, needle, after):
    """Time (epoch s) of the first line of a wha-node log containing `needle` after `after`."""
    for line in Path(path).read_text().splitlines():
        if needle in line:
            t = datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=None)
            epoch = (t - datetime(1970, 1, 1)).total_seconds()
            if epoch >= after - 0.002:
                return epoch
    return None


class Test:
    def __init__(self, cluster):
        self.c = cluster
        self.timings = {}
        self.counter_restarts = 0  # times the node running the counter was fenced

    def coordinator_view(self):
        return next((n for n in NODES if n in self.c.daemons and self.c.status(n) is not None), None)

    def wait_converged(self, what, expect=None, timeout=60, node=None):
        def check():
            self.c.check_alive()
            self.c.check_guests()
            return self.c.converged(node or self.coordinator_view(), expect)
        return wait_for(what, check, timeout)

    def wait_rejoined(self, node):
        """Back after a reboot: online for every member, with the same replica as the others."""
        def same_everywhere():
            self.c.check_alive()
            views = [self.c.converged(n) for n in NODES]
            if not all(views) or any(v != views[0] for v in views):
                return False
            statuses = [self.c.status(n) for n in NODES]
            return all(st and all(x["state"] == "online" for x in st["nodes"]) for st in statuses)
        try:
            wait_for(f"{node} to rejoin", same_everywhere, 60)
        except Failure:
            for n in NODES:
                log(f"{n} sees {self.c.status(n)}")
            raise

    def start(self):
        for n in NODES:
            self.c.start_node(n)
        placed = self.wait_converged("the cluster to start everything",
                                     lambda p: p.get("svc1") == ["n1"] and p.get("svc2") == ["n2"]
                                     and p.get("svc3") == ["n3"] and p.get("counter") == ["n2"]
                                     and (not self.c.libvirt or p.get("vm1") == ["n2"]), timeout=90)
        log(f"started: {placed}")

    def scenario_1_process_killed(self):
        log("scenario 1: kill svc2's process on n2")
        pid = self.c.started_pids("svc2", "n2")
        t = now()
        os.kill(pid, signal.SIGKILL)
        with open(self.c.events, "a") as f:
            f.write(f"{now():.6f} KILLED svc2 n2 {pid}\n")
        wait_for("svc2 to be restarted on n2",
                 lambda: any(p[1] == "START" and p[2] == "svc2" and p[3] == "n2" for p in self.c.events_since(t)), 30)
        self.timings["restart in place (kill -> START)"] = next(
            float(p[0]) for p in self.c.events_since(t) if p[1] == "START") - t
        self.wait_converged("svc2 running again", lambda p: p.get("svc2") == ["n2"])
        s = self.c.status("n1")
        counts = [f for f in s["failcounts"] if f["resource"] == "svc2" and f["node"] == "n2"]
        if not counts or counts[0]["count"] != 1:
            raise Failure(f"expected failcount 1 for svc2 on n2, got {s['failcounts']}")

    def scenario_2_health_red(self):
        log("scenario 2: n2's health turns red")
        t = now()
        (self.c.work / "n2" / "health").write_text("red\nsimulated predictive failure\n")
        placed = self.wait_converged("n2 to be emptied",
                                     lambda p: "n2" not in sum(p.values(), []), timeout=60)
        log(f"after red: {placed}")
        events = self.c.events_since(t)
        disturbed = [p for p in events if p[1] in ("START", "STOP") and p[2] in ("svc1", "svc3")]
        if disturbed:
            raise Failure(f"resources of healthy nodes were disturbed: {disturbed}")
        recent = self.c.status(self.coordinator_view())["recent"]
        moved = ["counter"] + (["vm1"] if self.c.libvirt else [])
        for r in moved:
            if not any(a["action"].startswith(f"migrate {r} n2->") and a["ok"] for a in recent):
                raise Failure(f"{r} was not live-migrated: {recent}")
            if any(a["action"].startswith(("start " + r, "stop " + r)) and a["time"] >= t for a in recent):
                raise Failure(f"{r} was stopped or started instead of migrated: {recent}")
        if self.c.libvirt and self.c.running_guests().get("vm1", []) != placed["vm1"]:
            raise Failure(f"vm1 runs on {self.c.running_guests()}, the cluster says {placed['vm1']}")
        self.timings["red -> n2 empty"] = now() - t
        (self.c.work / "n2" / "health").write_text("green\n")

    def kill_and_recover(self, victim, what, kill, coordinator_hint):
        """Common to 3 and 5: `kill` loses `victim`; it must be fenced and its resources restarted.
        n1 (the lowest id) coordinates before the kill: its replica is the reference."""
        before = self.c.placements("n1")
        lost = sorted(r for r, nodes in before.items() if victim in nodes)
        self.counter_restarts += "counter" in lost
        log(f"{what}: {victim} runs {lost}")
        t = now()
        self.c.doomed.add(victim)
        kill()
        placed = self.wait_converged(f"{victim}'s resources to run elsewhere",
                                     lambda p: all(p.get(r) and victim not in p[r] for r in lost), timeout=90,
                                     node=coordinator_hint)
        events = self.c.events_since(t)
        fenced = [float(p[0]) for p in events if p[1] == "FENCED" and p[2] == victim]
        if len(fenced) != 1:
            raise Failure(f"expected {victim} fenced once, saw {len(fenced)} fences")
        starts = {r: [p for p in events if p[1] == "START" and p[2] == r] for r in lost if r.startswith("svc")}
        for r, s in starts.items():
            if len(s) != 1 or float(s[0][0]) < fenced[0]:
                raise Failure(f"{r} should start exactly once, after the fence: {s}")
        log(f"after {what}: {placed}")
        return t, fenced[0], max((float(s[0][0]) for s in starts.values()), default=fenced[0]), lost

    def scenario_3_corosync_killed(self):
        log("scenario 3: kill n3's corosync")
        victim = "n3"
        pid = self.c.corosync[victim].pid
        t, fenced, recovered, lost = self.kill_and_recover(victim, "corosync killed",
                                                           lambda: os.kill(pid, signal.SIGKILL), "n1")
        noticed = log_time(self.c.work / "n1" / "wha-node.log", f"node {victim} is now unclean", t)
        began = next((float(p[0]) for p in self.c.events_since(t) if p[1] == "FENCE-BEGIN"), fenced)
        self.timings["detection (kill -> coordinator sees n3 lost)"] = (noticed or t) - t
        self.timings["fencing (fence agent ran)"] = fenced - began
        self.timings["library (lost -> fence begins) + (fenced -> last START)"] = \
            (began - (noticed or t)) + (recovered - fenced)
        self.timings["detection -> recovery total"] = recovered - t
        self.c.reboot(victim)
        self.wait_rejoined("n3")

    def scenario_4_partition(self):
        # Isolate the node (other than the coordinator n1) that runs the most resources.
        placed = self.c.placements("n1")
        load = {n: sum(1 for v in placed.values() if n in v) for n in ("n2", "n3")}
        victim = max(load, key=load.get)
        mine = sorted(r for r, v in placed.items() if victim in v and r.startswith("svc"))
        self.counter_restarts += victim in placed.get("counter", [])
        log(f"scenario 4: partition isolates {victim}, which runs {mine}")
        (self.c.work / "fence_delay").write_text("3\n")  # a slow power switch: the minority acts first
        t = now()
        self.c.doomed.add(victim)
        self.c.set_link(victim, False)
        self.wait_converged(f"the majority to recover {victim}'s resources",
                            lambda p: all(p.get(r) and victim not in p[r] for r in mine), timeout=90, node="n1")
        events = self.c.events_since(t)
        fenced = next(float(p[0]) for p in events if p[1] == "FENCED" and p[2] == victim)
        for r in mine:
            stops = [p for p in events if p[1] == "STOP" and p[2] == r and p[3] == victim]
            if not stops or float(stops[0][0]) > fenced:
                raise Failure(f"the minority ({victim}) did not stop {r} itself before it was fenced: {events}")
        (self.c.work / "fence_delay").unlink()
        self.c.set_link(victim, True)
        self.c.reboot(victim)
        self.wait_rejoined(victim)

    def scenario_5_coordinator_killed(self):
        log("scenario 5: kill the coordinator's wha-node (n1)")
        pid = self.c.daemons["n1"].pid
        self.kill_and_recover("n1", "coordinator killed", lambda: os.kill(pid, signal.SIGKILL), "n2")
        self.c.reboot("n1")
        self.wait_rejoined("n1")

    def message_rate(self, count=2000):
        """Attribute updates sent through n2's daemon until n3's replica has the last one: the
        rate at which controllers share state over CPG (every update also makes the coordinator
        re-plan)."""
        t = now()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.c.work / "n2" / "wha.sock"))
            reader = s.makefile("rb")
            window = 64  # requests in flight on the connection
            sent = answered = 0
            while answered < count:
                while sent < count and sent - answered < window:
                    s.sendall(json.dumps({"cmd": "attribute", "node": "n2", "name": "load",
                                          "value": str(sent)}).encode() + b"\n")
                    sent += 1
                if not json.loads(reader.readline()).get("ok"):
                    raise Failure("an attribute update was refused")
                answered += 1

        log(f"message rate: {count} updates accepted by n2 in {now() - t:.3f}s")

        def seen():
            s = self.c.status("n3")
            return s and next(n for n in s["nodes"] if n["id"] == "n2")["attributes"].get("load") == str(count - 1)
        wait_for("n3 to see every update", seen, 60)
        elapsed = now() - t
        self.timings[f"{count} state updates replicated to every node"] = elapsed
        log(f"message rate: {count / elapsed:.0f} updates/s")

    def check_wha_mon(self):
        """The status CLI against a live daemon: the table and --json agree with the cluster."""
        if not self.c.args.wha_mon:
            return
        sock = str(self.c.work / "n2" / "wha.sock")
        table = run(self.c.args.wha_mon, "--socket", sock).stdout
        status = json.loads(run(self.c.args.wha_mon, "--socket", sock, "--json").stdout)
        print(table, flush=True)
        if "coordinator n1, this node n2" not in table or not all(r["id"] in table for r in status["resources"]):
            raise Failure(f"wha-mon's table is missing something:\n{table}")
        run(self.c.args.wha_mon, "--socket", sock, "--attribute", "n3", "rack", "r7")
        wait_for("the attribute set through wha-mon on every node",
                 lambda: all(next(n for n in self.c.status(x)["nodes"] if n["id"] == "n3")["attributes"].get("rack")
                             == "r7" for x in NODES), 10)

    def run(self):
        if self.c.libvirt:
            self.c.hosts("up", *NODES)
        self.start()
        self.scenario_1_process_killed()
        self.scenario_2_health_red()
        self.scenario_3_corosync_killed()
        self.scenario_4_partition()
        self.scenario_5_coordinator_killed()
        self.message_rate()
        problems = check_never_twice(self.c.events_since(0))
        if problems:
            raise Failure("a resource ran twice:\n  " + "\n  ".join(problems))
        self.check_wha_mon()
        self.c.check_guests(force=True)
        problem = check_counter(self.c.work / "counter.log", self.counter_restarts)
        if problem:
            raise Failure(problem)
        for k, v in self.timings.items():
            log(f"timing: {k}: {v * 1000:.0f} ms")
        log("all scenarios passed; no resource ever ran twice")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wha-node", required=True)
    parser.add_argument("--counter", required=True, help="the checkpoint_counter example")
    parser.add_argument("--wha-mon", help="the status CLI, checked against the running cluster")
    parser.add_argument("--token", type=int, default=1000, help="corosync token timeout (ms)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--libvirt", action="store_true",
                        help="give every node a libvirt hypervisor and the cluster a live-migratable guest")
    parser.add_argument("--wrapper", default="", help='run wha-node under this, e.g. "gdb -batch -ex run -ex bt --args"')
    args = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("corosync") is None:
        print("SKIP: needs root (network namespaces) and corosync", flush=True)
        return 77
    cluster = Cluster(args)
    try:
        cluster.build_network()
        cluster.write_configs()
        Test(cluster).run()
        return 0
    except (Failure, subprocess.CalledProcessError, StopIteration) as e:
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else ""
        print(f"FAILED: {e!r} {detail}", flush=True)
        import traceback
        traceback.print_exc()
        for n in NODES:
            p = cluster.work / n / "wha-node.log"
            if p.exists():
                print(f"--- {n} wha-node.log (tail)")
                print("\n".join(p.read_text().splitlines()[-40:]))
        print("--- events.log")
        print(cluster.events.read_text())
        return 1
    finally:
        cluster.cleanup()


if __name__ == "__main__":
    sys.exit(main())
