#!/usr/bin/env python3
"""Three real nodes on one machine: a network namespace each, corosync and wha-node in each.

Scenarios (issue 6): (1) a process resource is killed and restarted in place; (2) a node's
health turns red and its migratable resource moves away without disturbing the others; (3) a
node's corosync is killed, the node is fenced and its resources start elsewhere once; (4) a
partition isolates one node: it stops its resources itself, the majority carries on; (5) the
coordinator's daemon is killed, another node takes over and nothing runs twice; (6) corosync
restarts everywhere; (7) a node powers off cleanly and is not fenced, its resources following
their shutdown policies (migrate, conditional → failover); (8) a process on one node broadcasts
garbage to the cluster's CPG group: every node logs and drops it, nothing restarts; (9) a node
reboots cleanly: a resource under conditional → freeze waits for it and comes back with it.

Every resource writes START/STOP lines to a shared event log and the fence agent writes
FENCED lines; the log is replayed at the end to prove no resource ever ran twice at once.
The test ends only the processes it started (by PID) and removes what it created.
"""


import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from cluster_lab import NODES, Cluster, Failure, log, now, run, wait_for
from garbage import garbage_messages

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


def log_time_of(line):
    """Time (epoch s) a wha-node log line was written."""
    t = datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=None)
    return (t - datetime(1970, 1, 1)).total_seconds()


def log_time(path, needle, after):
    """Time (epoch s) of the first line of a wha-node log containing `needle` after `after`."""
    for line in Path(path).read_text().splitlines():
        if needle in line:
            epoch = log_time_of(line)
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

    def scenario_6_corosync_restarts(self):
        """Corosync goes away on every node at once and comes back: no quorum anywhere in
        between (every node stops its own services), then every daemon reconnects by itself
        and the cluster starts everything again, once. n3's corosync comes back last, after
        n1 and n2 have quorum again: the coordinator must wait for it (it may be reconnecting
        too), not fence it."""
        log("scenario 6: corosync killed on every node, restarted 2 s later (n3's 3 s after that)")
        placed = self.c.placements("n1")
        self.counter_restarts += bool(placed.get("counter"))  # stopped, then started fresh
        t = now()
        for n in NODES:
            self.c.stop_corosync(n)
        time.sleep(2)
        for n in NODES:
            if n == NODES[-1]:
                time.sleep(3)
            self.c.start_corosync(n)
        self.wait_converged("every resource to run again", lambda p: all(p.get(r) for r in placed), timeout=90,
                            node="n1")
        for n in NODES:
            connects = (self.c.work / n / "wha-node.log").read_text().count("connected to corosync as")
            if connects < 2:
                raise Failure(f"wha-node on {n} did not reconnect to the restarted corosync")
        events = self.c.events_since(t)
        starts = [p for p in events if p[1] == "START"]
        stopped = {p[2] for p in events if p[1] == "STOP"}
        if not stopped:
            raise Failure(f"nothing was stopped when quorum was lost everywhere: {events}")
        fenced = [p for p in events if p[1].startswith("FENCE")]
        if fenced:
            raise Failure(f"a node reconnecting after a cluster-wide corosync restart was fenced: {fenced}")
        self.timings["corosync restarted everywhere -> all running again"] = now() - t
        log(f"after corosync restarts: {self.c.placements('n1')} ({len(starts)} starts)")

    def leave_cleanly(self, victim):
        """SIGTERM to `victim`'s wha-node: it must say it left and exit 0."""
        daemon = self.c.daemons[victim]
        self.c.doomed.add(victim)
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise Failure(f"wha-node on {victim} did not leave within 120 s of SIGTERM")
        if code != 0:
            raise Failure(f"wha-node on {victim} exited with {code} after SIGTERM")
        if "left the cluster cleanly" not in (self.c.work / victim / "wha-node.log").read_text():
            raise Failure(f"wha-node on {victim} exited without leaving cleanly")
        self.c.daemons.pop(victim)
        self.c.stop_corosync(victim)

    def logged_anywhere(self, pattern, since):
        """Lines of any node's wha-node log written after `since` that match `pattern`."""
        found = []
        for n in NODES:
            for line in (self.c.work / n / "wha-node.log").read_text().splitlines():
                try:
                    recent = log_time_of(line) >= since - 0.002
                except ValueError:  # not a log line's start
                    continue
                if recent and re.search(pattern, line):
                    found.append(f"{n}: {line}")
        return found

    def scenario_7_clean_leave(self):
        """n2's daemon gets SIGTERM (a power-off, an update): its resources follow their shutdown
        policy first — the counter (migrate) is live-migrated, svc2 (conditional on a power-off
        = failover) is stopped and started elsewhere — then it says it left and exits 0, and
        nobody fences it. Then its corosync stops too, and the node comes back."""
        log("scenario 7: n2 powers off cleanly (SIGTERM), then comes back")
        victim = "n2"
        before = self.c.placements("n1")
        t = now()
        self.leave_cleanly(victim)
        self.timings["clean leave (SIGTERM -> exited, resources moved)"] = now() - t
        expected = {
            "counter": r"migrate counter n2->n[13] \(node n2 is shutting down \(poweroff\) \(shutdown_policy migrate\)\)",
            "svc2": r"stop svc2 n2 \(node n2 is shutting down \(poweroff\) \(shutdown_policy failover\)\)",
        }
        for resource, pattern in expected.items():
            if before.get(resource) == [victim] and not self.logged_anywhere(pattern, t):
                raise Failure(f"no node logged /{pattern}/ after n2's SIGTERM")
        self.wait_converged("every resource to run on n1 or n3",
                            lambda p: all(victim not in nodes for nodes in p.values())
                            and all(p.get(r) for r, nodes in before.items() if nodes), timeout=60,
                            node="n1")
        time.sleep(3)  # longer than the token timeout: a fence would have been decided by now
        fenced = [p for p in self.c.events_since(t) if p[1].startswith("FENCE")]
        if fenced:
            raise Failure(f"a node that left cleanly was fenced: {fenced}")
        self.c.doomed.discard(victim)
        self.c.start_node(victim)
        self.wait_rejoined(victim)

    def scenario_9_reboot_freezes(self):
        """n3's daemon gets SIGTERM for a reboot: what runs there under shutdown_policy
        conditional (svc3, and svc2 if scenario 7 failed it over to n3) is frozen — stopped
        there and started nowhere else while n3 is away — and starts there again when n3 is
        back. Nobody fences n3."""
        log("scenario 9: n3 reboots cleanly (SIGTERM); its conditional resources wait for it")
        victim = "n3"
        before = self.c.placements("n1")
        frozen = sorted(r for r in ("svc2", "svc3") if before.get(r) == [victim])
        if "svc3" not in frozen:
            raise Failure(f"svc3 does not run on {victim} before the reboot: {before}")
        t = now()
        self.leave_cleanly(victim)
        for r in frozen:
            if not self.logged_anywhere(rf"stop {r} n3 \({r} waits for n3 \(shutting down \(reboot\)\): frozen", t):
                raise Failure(f"{r} was not stopped as frozen with n3")

        def frozen_and_idle():
            self.c.check_alive()
            s = self.c.status("n1")
            if s is None or not s["quorate"] or not s["coordinator"]:
                return False
            coordinator = s if s["coordinator"] == "n1" else self.c.status(s["coordinator"])
            placed = self.c.placements("n1")
            return (coordinator is not None and coordinator["idle"] and placed is not None and
                    all(placed.get(r) == [] for r in frozen) and
                    all(len(v) == 1 and v != [victim] for r, v in placed.items() if r not in frozen))
        wait_for("the others to settle with the frozen resources stopped", frozen_and_idle, 60)
        time.sleep(3)  # longer than the token timeout: a fence or a restart would show by now
        events = self.c.events_since(t)
        elsewhere = [p for p in events if p[1] == "START" and p[2] in frozen]
        fenced = [p for p in events if p[1].startswith("FENCE")]
        if elsewhere or fenced:
            raise Failure(f"while n3 rebooted: frozen resources started {elsewhere}, fenced {fenced}")
        self.c.doomed.discard(victim)
        self.c.start_node(victim)
        self.wait_rejoined(victim)
        self.wait_converged("the frozen resources to start again on n3",
                            lambda p: all(p.get(r) == [victim] for r in frozen), timeout=60)
        self.timings["clean reboot (SIGTERM -> frozen resources back on n3)"] = now() - t

    def scenario_8_garbage(self):
        """A process on n2 joins the cluster's CPG group and broadcasts what a broken or hostile
        member might: random bytes, invalid UTF-8, deep nesting, wrong versions, envelopes of
        ill-typed or unknown messages. Every daemon logs and drops each one and keeps running;
        nothing is started, stopped or fenced; state still replicates afterwards."""
        if not self.c.args.cpg_broadcast:
            log("scenario 8 skipped: no cpg_broadcast tool")
            return
        log("scenario 8: a process on n2 broadcasts garbage over CPG")
        before = self.c.placements("n1")
        payloads = garbage_messages(random.Random(8))
        expected = sum(lines for _, lines in payloads)
        folder = self.c.work / "garbage"
        folder.mkdir()
        files = []
        for i, (payload, _) in enumerate(payloads):
            files.append(folder / f"{i:04d}")
            files[-1].write_bytes(payload)
        dropped = re.compile(r'ignoring a message from n2:|" message from n2: ')

        def count(node, pattern):
            return len(pattern.findall((self.c.work / node / "wha-node.log").read_text()))
        already = {n: count(n, dropped) for n in NODES}
        t = now()
        r = subprocess.run(["ip", "netns", "exec", self.c.ns("n2"), self.c.args.cpg_broadcast, "wholesale_ha",
                            *map(str, files)], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure(f"cpg_broadcast failed: {r.stderr}")

        def all_dropped():
            self.c.check_alive()
            counts = {n: count(n, dropped) - already[n] for n in NODES}
            return counts if all(c >= expected for c in counts.values()) else False
        try:
            counts = wait_for("every node to log every garbage message", all_dropped, 60)
        except Failure:
            log(f"rejections logged: { {n: count(n, dropped) - already[n] for n in NODES} }, expected {expected}")
            raise
        log(f"garbage: {len(payloads)} messages broadcast, {expected} rejections expected, logged: {counts}")
        for n in NODES:
            if count(n, re.compile("could not be handled")):
                raise Failure(f"handling garbage threw inside wha-node on {n}")
        after = self.wait_converged("the cluster after the garbage", node="n1", timeout=30)
        if after != before:
            raise Failure(f"placements changed after garbage: {before} -> {after}")
        changed = [p for p in self.c.events_since(t) if p[1] in ("START", "STOP") or p[1].startswith("FENCE")]
        if changed:
            raise Failure(f"garbage over CPG started, stopped or fenced something: {changed}")
        # State still replicates: an attribute set on n1 reaches n3.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.c.work / "n1" / "wha.sock"))
            s.sendall(b'{"cmd":"attribute","node":"n1","name":"after","value":"garbage"}\n')
            if not json.loads(s.makefile("rb").readline()).get("ok"):
                raise Failure("an attribute update after the garbage was refused")
        wait_for("an attribute set after the garbage to reach n3",
                 lambda: next(n for n in self.c.status("n3")["nodes"] if n["id"] == "n1")["attributes"]
                 .get("after") == "garbage", 10)

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
        if ("Failover: tolerates 1 host failure: yes" not in table or not status["failover_capacity"]["tolerated"]
                or status["failover_capacity"]["spares_in_use"] != []):
            raise Failure(f"wha-mon does not say the cluster tolerates a host failure:\n{table}")
        run(self.c.args.wha_mon, "--socket", sock, "--attribute", "n3", "rack", "r7")
        wait_for("the attribute set through wha-mon on every node",
                 lambda: all(next(n for n in self.c.status(x)["nodes"] if n["id"] == "n3")["attributes"].get("rack")
                             == "r7" for x in NODES), 10)

    def offline_move(self):
        """wha-mon --move vm1 N --offline: the guest is stopped and started on N, never
        live-migrated there; clearing the move leaves it where it is."""
        if not self.c.libvirt or not self.c.args.wha_mon:
            return
        log("offline move: vm1 by stop and start")
        sock = str(self.c.work / "n2" / "wha.sock")
        placed = self.c.placements("n1").get("vm1")
        if not placed:
            raise Failure("vm1 runs nowhere before the offline move")
        target = next(n for n in NODES if n not in placed)
        t = now()
        run(self.c.args.wha_mon, "--socket", sock, "--move", "vm1", target, "--offline")
        self.wait_converged(f"vm1 to run on {target}", lambda p: p.get("vm1") == [target], timeout=60, node="n1")
        if not self.logged_anywhere(rf"stop vm1 {placed[0]} \(.*an offline move: stopped and started, not migrated\)", t):
            raise Failure("no node logged the offline move's stop of vm1")
        migrated = self.logged_anywhere(r"migrate vm1 ", t)
        if migrated:
            raise Failure(f"an offline move live-migrated vm1: {migrated}")
        self.timings["offline move of a guest (stop + start)"] = now() - t
        run(self.c.args.wha_mon, "--socket", sock, "--move", "vm1", "-")

    def run(self):
        if self.c.libvirt:
            self.c.hosts("up", *NODES)
        self.start()
        scenarios = [self.scenario_1_process_killed, self.scenario_2_health_red, self.scenario_3_corosync_killed,
                     self.scenario_4_partition, self.scenario_5_coordinator_killed,
                     self.scenario_6_corosync_restarts, self.scenario_7_clean_leave, self.scenario_8_garbage,
                     self.scenario_9_reboot_freezes]
        for number, scenario in enumerate(scenarios, start=1):
            if not self.c.args.only or number in self.c.args.only:
                scenario()
        if self.c.args.only:
            return
        self.message_rate()
        self.offline_move()
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
    parser.add_argument("--cpg-broadcast", help="tests/cluster/cpg_broadcast, for the garbage scenario")
    parser.add_argument("--token", type=int, default=1000, help="corosync token timeout (ms)")
    parser.add_argument("--only", type=int, action="append",
                        help="run only this scenario (repeatable), on a freshly started cluster; for debugging")
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
