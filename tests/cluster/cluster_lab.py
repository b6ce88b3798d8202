"""The lab of the three-node test: three network namespaces joined by a bridge in a fourth,
corosync and wha-node in each (and, optionally, a private libvirtd per node), the shared event
log, and what the test observes through the daemons' control sockets. It ends only the
processes it started (by PID) and removes what it created."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
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
        # Shutdown policies (three_nodes.py scenarios 7 and 9): n2 powers off, n3 reboots;
        # conditional fails svc2 over and freezes svc3; the counter keeps the default, migrate.
        for r in resources[1:3]:
            r["meta"] = {"shutdown_policy": "conditional"}
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
                "shutdown_kind": "reboot" if n == "n3" else "poweroff",
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
        self.start_corosync(node)
        d = self.work / node
        out = open(d / "wha-node.out", "ab")
        env = dict(os.environ, WHA_NODE=node)
        self.daemons[node] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(node), *self.args.wrapper.split(), self.args.wha_node, "--config",
             str(d / "node.json")],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def start_corosync(self, node):
        d = self.work / node
        # corosync hard-codes /var/run/corosync.pid: give it a private /run. The exec chain
        # keeps one PID, so the Popen's pid is corosync's.
        out = open(d / "corosync.out", "ab")
        self.corosync[node] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(node), "unshare", "-m", "--propagation", "private", "sh", "-c",
             f"mount -t tmpfs tmpfs /run && exec corosync -f -c {d / 'corosync.conf'}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop_corosync(self, node):
        """Kills the node's corosync (wha-node keeps running) and waits for it to be gone."""
        p = self.corosync.pop(node)
        p.kill()
        p.wait(timeout=10)
        self.remove_qb_leftovers(p.pid)

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
        daemons = set(self.daemons.values())
        for p in procs:
            if p.poll() is None:
                # SIGINT: a daemon stops at once (SIGTERM would first try to leave cleanly).
                p.send_signal(signal.SIGINT if p in daemons else signal.SIGTERM)
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
