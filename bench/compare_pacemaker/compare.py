#!/usr/bin/env python3
"""Pacemaker's scheduler against ours on the same cluster (bench/README.md).

For every size N x M: wha-compare-driver writes the cluster as a Pacemaker CIB and as our
JSON; crm_simulate checks that Pacemaker plans exactly the migrations of the red node's VMs
(nothing else: no probes, no restarts) and `crm_simulate --profile` times its scheduler; the
driver times our planner on the JSON path and the CIB import path and checks the same moves;
both command-line tools are timed from CIB file to transition, less their run on a one-node
CIB. Prints a Markdown table, writes results.json, results.md and a data file, and with --plot
a PNG (gnuplot).

Pacemaker (pacemaker, pacemaker-cli-utils) and gnuplot-nox are installed with apt-get when
missing; no Pacemaker daemon is left running. --no-pacemaker skips Pacemaker entirely.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_SIZES = "4x100,8x250,16x500,32x1000,32x5000,100x10000,100x20000"
PCMK_DAEMONS = re.compile(r"^(pacemakerd|pacemaker-\w+)$")


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


def parse_size(text):
    n, m = text.lower().split("x")
    return int(n), int(m)


def pacemaker_pids():
    out = subprocess.run(["ps", "-eo", "pid=,comm="], capture_output=True, text=True).stdout
    return {int(p) for p, c in (l.split(None, 1) for l in out.splitlines() if l.strip())
            if PCMK_DAEMONS.match(c.strip())}


def apt_install(packages):
    """apt-get install, with services kept from starting (policy-rc.d) and any Pacemaker
    daemon the install started anyway stopped again, by pid."""
    before = pacemaker_pids()
    policy = Path("/usr/sbin/policy-rc.d")
    made_policy = False
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if not policy.exists():
        subprocess.run(sudo + ["sh", "-c", f"printf '#!/bin/sh\\nexit 101\\n' > {policy} && chmod 755 {policy}"],
                       check=True)
        made_policy = True
    try:
        log("installing " + " ".join(packages))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + packages,
                       check=True, env=env)
    finally:
        if made_policy:
            subprocess.run(sudo + ["rm", "-f", str(policy)], check=False)
    started = pacemaker_pids() - before
    for pid in sorted(started):
        log(f"stopping Pacemaker daemon {pid} started by the install")
        subprocess.run(sudo + ["kill", str(pid)], check=False)
    if shutil.which("systemctl") and Path("/run/systemd/system").exists():
        subprocess.run(sudo + ["systemctl", "disable", "--now", "pacemaker.service"], check=False,
                       capture_output=True)


def wall_once_ms(cmd):
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {proc.stderr.strip()}")
    return elapsed


def file_to_transition_ms(cmd, cib, base_cib, rounds):
    """A tool's wall time from CIB file to printed transition, without its process start and
    library loading: each round runs `cmd` on `base_cib` (one node, one VM) and then on `cib`;
    the result is the median of the differences, with the median of the whole runs."""
    whole, net = [], []
    for _ in range(rounds):
        base = wall_once_ms(cmd + [base_cib])
        full = wall_once_ms(cmd + [cib])
        whole.append(full)
        net.append(full - base)
    return statistics.median(net), statistics.median(whole)


def profile_secs(profile_dir, repeat):
    """crm_simulate --profile: CPU seconds (clock()) for schema validation once + `repeat`
    scheduler runs, printed with two decimals."""
    out = subprocess.run(["crm_simulate", "--profile", str(profile_dir), "--repeat", str(repeat)],
                         capture_output=True, text=True)
    found = re.search(r"\.\.\. ([0-9.]+) secs", out.stdout + out.stderr)
    if not found:
        raise RuntimeError("crm_simulate --profile printed no timing:\n" + out.stdout + out.stderr)
    return float(found.group(1))


def scheduler_against_ours(cib, work, estimate_ms, samples, ours_ms):
    """One scheduler run, ms: (T(1 + k) - T(1)) / k, which removes the one-off schema
    validation crm_simulate --profile includes; k makes the k runs last about 2 s so the
    two-decimal seconds are precise. Each of the `samples` measurements is followed by one of
    ours (`ours_ms()`), and the ratio is the median of these pairs' ratios: this machine's
    speed drifts by tens of percent within minutes, and a pair sees the same drift."""
    profile_dir = work / "profile"
    profile_dir.mkdir(exist_ok=True)
    shutil.copy(cib, profile_dir / "cib.xml")

    def aim(run_ms):
        return max(2, min(400, math.ceil(2000 / max(run_ms, 1))))

    def measure(k):
        base = profile_secs(profile_dir, 1)
        total = profile_secs(profile_dir, 1 + k)
        return max(total - base, 0.0) * 1000 / k

    # The estimate is a whole crm_simulate process (start, parsing, validation), several times
    # one scheduler run at small sizes: aimed by it alone, the runs lasted a tenth of the 2 s
    # and the result moved in steps of 10 ms / k. A first measurement aims k again.
    k = aim(measure(aim(estimate_ms)))
    pairs = [(measure(k), ours_ms()) for _ in range(samples)]  # theirs, then ours at once
    return {"pcmk_ms": statistics.median(t for t, _ in pairs),
            "ours_plan_ms": statistics.median(o for _, o in pairs),
            "plan_ratio": statistics.median(t / o for t, o in pairs if o > 0),
            "pcmk_repeat": k}


def pacemaker_check(cib, expected_node, expected_moves, work):
    """Pacemaker must plan exactly the red node's migrations: every summary line a Migrate
    away from the red node, every graph operation a migrate_to/migrate_from/stop/start of
    those (no probe, no restart)."""
    graph = work / "pacemaker-graph.xml"
    out = subprocess.run(["crm_simulate", "-x", str(cib), "-R", "-G", str(graph)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("crm_simulate -R failed: " + out.stderr)
    summary = out.stdout.split("Transition Summary:", 1)[-1]
    lines = [l.strip() for l in summary.splitlines() if l.strip().startswith("*")]
    moved = set()
    for line in lines:
        m = re.match(r"\* Migrate\s+(\S+)\s+\(\s*(\S+)\s*->\s*(\S+)\s*\)", line)
        if not m or m.group(2) != expected_node:
            raise RuntimeError(f"Pacemaker plans more than the red node's migrations: {line}")
        moved.add(m.group(1))
    ops = set(re.findall(r'<rsc_op [^>]*operation="([a-z_]+)"', graph.read_text()))
    if ops - {"migrate_to", "migrate_from", "stop"}:
        raise RuntimeError(f"Pacemaker's graph has other operations: {sorted(ops)}")
    if len(moved) != expected_moves:
        raise RuntimeError(f"Pacemaker migrates {len(moved)} resources, the red node runs {expected_moves}")
    return len(moved)


def run(cmd):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: {proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_ms(v):
    if v is None:
        return "–"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def fmt_process(net, whole):
    return "–" if net is None else f"{fmt_ms(net)} ms ({fmt_ms(whole)})"


def fmt_times(ratio):
    return "–" if ratio is None else f"{ratio:,.0f}×"


def fmt_ratio(a, b):
    return "–" if a is None or b is None or b <= 0 else fmt_times(a / b)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default="build/release")
    p.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated NxM (default %(default)s)")
    p.add_argument("--pacemaker-max", default="32x1000",
                   help="largest size given to Pacemaker (resources x nodes); default %(default)s")
    p.add_argument("--probe-history-max", type=int, default=32 * 1000,
                   help="largest N*M whose CIB holds every probe (larger CIBs only hold the "
                        "start where each VM runs); default %(default)s")
    p.add_argument("--repeat", type=int, default=7, help="our repetitions per measurement")
    p.add_argument("--samples", type=int, default=5,
                   help="Pacemaker measurements per size, each paired with one of ours")
    p.add_argument("--out", default=None, help="work directory (default BUILD/compare)")
    p.add_argument("--no-pacemaker", action="store_true")
    p.add_argument("--plot", default=None, help="write the PNG here (needs gnuplot)")
    p.add_argument("--table", default=None, help="also write the Markdown table here")
    args = p.parse_args()

    build = Path(args.build_dir).resolve()
    driver = build / "bench/compare_pacemaker/wha-compare-driver"
    simulate = build / "src/cli/wha-simulate"
    for exe in (driver, simulate):
        if not exe.exists():
            sys.exit(f"error: {exe} is missing: build it first (cmake --build {args.build_dir})")
    out_dir = Path(args.out).resolve() if args.out else build / "compare"
    out_dir.mkdir(parents=True, exist_ok=True)
    pn, pm = parse_size(args.pacemaker_max)

    use_pacemaker = not args.no_pacemaker
    if use_pacemaker and not shutil.which("crm_simulate"):
        apt_install(["pacemaker", "pacemaker-cli-utils"])
    if args.plot and not shutil.which("gnuplot"):
        apt_install(["gnuplot-nox"])

    # The baseline the process columns subtract: the same tools on the smallest cluster.
    base_cib = out_dir / "1x1" / "cib.xml"
    run([driver, "generate", "--nodes", 1, "--resources", 1, "--out", base_cib.parent])

    rows = []
    for size in args.sizes.split(","):
        n, m = parse_size(size)
        work = out_dir / f"{n}x{m}"
        probes = n * m <= args.probe_history_max
        log(f"{n} nodes x {m} resources{'' if probes else ' (CIB without probe history)'}")
        gen = run([driver, "generate", "--nodes", n, "--resources", m, "--out", work]
                  + ([] if probes else ["--no-probes"]))
        cib, js = work / "cib.xml", work / "cluster.json"
        ours_json = run([driver, "plan", "--json", js, "--repeat", args.repeat])
        ours_cib = run([driver, "plan", "--cib", cib, "--repeat", args.repeat])
        ours_net, ours_whole = file_to_transition_ms([simulate, "-q", "--cib"], cib, base_cib, 11)
        row = {"nodes": n, "resources": m, "probe_history": probes,
               "expected_moves": gen["expected_moves"], "cib_mb": cib.stat().st_size / 1e6,
               "ours_plan_ms": ours_json["plan_ms"], "ours_json_ms": ours_json["load_plan_ms"],
               "ours_cib_ms": ours_cib["load_plan_ms"], "ours_cib_plan_ms": ours_cib["plan_ms"],
               "ours_ok": ours_json["ok"] and ours_cib["ok"],
               "rss_json_mib": ours_json["peak_rss_mib"], "rss_cib_mib": ours_cib["peak_rss_mib"],
               "wha_simulate_cib_ms": ours_whole, "wha_simulate_cib_net_ms": ours_net,
               "pcmk_ms": None, "pcmk_repeat": None, "plan_ratio": None, "crm_simulate_ms": None,
               "crm_simulate_net_ms": None}
        if use_pacemaker and n <= pn and m <= pm:
            if not probes:
                raise SystemExit("error: Pacemaker needs the probe history; raise --probe-history-max")
            pacemaker_check(cib, gen["red_node"], gen["expected_moves"], work)
            row["crm_simulate_net_ms"], row["crm_simulate_ms"] = file_to_transition_ms(
                ["crm_simulate", "-R", "-Q", "-x"], cib, base_cib, 5)
            row.update(scheduler_against_ours(
                cib, work, row["crm_simulate_ms"], args.samples,
                lambda: run([driver, "plan", "--json", js, "--repeat", args.repeat])["plan_ms"]))
        rows.append(row)
        log(json.dumps(row))

    header = ("| nodes × VMs | Pacemaker scheduler | ours: plan | ratio | ours: JSON load + plan "
              "| ours: CIB import + plan | ratio | `crm_simulate -R`: file → transition (whole process) "
              "| `wha-simulate --cib`: file → transition (whole process) | ratio | peak RSS (JSON / CIB) |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [header]
    for r in rows:
        mark = "" if r["probe_history"] else "¹"
        lines.append(
            f"| {r['nodes']} × {r['resources']:,} | {fmt_ms(r['pcmk_ms'])} ms | {fmt_ms(r['ours_plan_ms'])} ms "
            f"| {fmt_times(r['plan_ratio'])} | {fmt_ms(r['ours_json_ms'])} ms "
            f"| {fmt_ms(r['ours_cib_ms'])} ms{mark} | {fmt_ratio(r['pcmk_ms'], r['ours_cib_ms'])} "
            f"| {fmt_process(r['crm_simulate_net_ms'], r['crm_simulate_ms'])} "
            f"| {fmt_process(r['wha_simulate_cib_net_ms'], r['wha_simulate_cib_ms'])}{mark} "
            f"| {fmt_ratio(r['crm_simulate_net_ms'], r['wha_simulate_cib_net_ms'])} "
            f"| {r['rss_json_mib']:.0f} / {r['rss_cib_mib']:.0f} MiB |")
    table = "\n".join(lines)
    if any(not r["probe_history"] for r in rows):
        table += ("\n\n¹ CIB without probe history (only each VM's start where it runs): with every "
                  "probe it would be N × M entries.")
    print(table)
    (out_dir / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    (out_dir / "results.md").write_text(table + "\n")
    if args.table:
        Path(args.table).write_text(table + "\n")
    data = out_dir / "plan.dat"
    with data.open("w") as f:
        f.write("# nodes resources pacemaker_ms ours_plan_ms ours_json_ms ours_cib_ms\n")
        for r in rows:
            pc = r["pcmk_ms"] if r["pcmk_ms"] is not None else "NaN"
            f.write(f"{r['nodes']} {r['resources']} {pc} {r['ours_plan_ms']} {r['ours_json_ms']} {r['ours_cib_ms']}\n")
    if args.plot:
        script = Path(__file__).with_name("plot.gp")
        subprocess.run(["gnuplot", "-e", f"datafile='{data}'; outfile='{Path(args.plot).resolve()}'",
                        str(script)], check=True)
        log(f"plot written to {args.plot}")
    if not all(r["ours_ok"] for r in rows):
        sys.exit("error: our planner did not move exactly the red node's VMs")


if __name__ == "__main__":
    main()
