"""What a broken or hostile member might broadcast to the cluster's CPG group (scenario 8 of
three_nodes.py). Each entry is (bytes, lines): how many lines naming the sender every node
must log for it — one per rejected envelope, one per rejected message inside a valid one."""

import json

VERSION = 3  # kMessageFormatVersion


def envelope(*items, v=VERSION, sender="n2"):
    return json.dumps({"v": v, "from": sender, "batch": list(items)}).encode()


def item(kind, body):
    return {"type": kind, "body": body}


def garbage_messages(rng):
    out = []
    # Not an envelope at all.
    for size in (1, 7, 64, 1000, 4096, 65536):
        out.append((bytes(rng.randrange(256) for _ in range(size)), 1))
    out += [(b"", 1), (b"\xff\xfe\xfd", 1), (b"null", 1), (b"[]", 1), (b"42", 1), (b'"v"', 1),
            (b'{"v":3,"from":"n2","batch":[', 1), (b"[" * 100000, 1), (b'{"v":' * 5000, 1),
            (b'{"v":1e999,"batch":[]}', 1), (b'\x00{"v":3,"batch":[]}', 1)]
    # Envelopes that are wrong as a whole. Only the first version mismatch from a sender is
    # logged (a rolling upgrade would otherwise flood the log).
    out += [(envelope(v=VERSION - 1), 1), (envelope(v=VERSION + 7), 0), (envelope(v="3"), 1), (envelope(v=3.5), 1),
            (json.dumps({"v": VERSION, "from": "n2"}).encode(), 1),
            (json.dumps({"v": VERSION, "batch": {"type": "placement"}}).encode(), 1),
            (envelope({"body": {}}), 1), (envelope({"type": 7, "body": {}}), 1),
            (envelope(item("\udcff\udcfe", {})), 1),  # a lone surrogate: not JSON
            (json.dumps({"v": VERSION, "batch": [{"type": ""}] * 100001}).encode(), 1)]
    # Valid envelopes whose messages are wrong: each message is rejected on its own.
    bad_items = [
        item("start", {"resource": "svc1", "node": "n1"}),  # no such kind
        item("placement", []),
        item("placement", {"resource": "svc1", "node": "n9", "state": "started"}),
        item("placement", {"resource": "svc1", "node": "n1", "state": "exploded"}),
        item("placement", {"resource": 5, "node": "n1", "state": "started"}),
        item("failure", {"resource": "svc1", "node": "n1", "count": 1.5, "last_failure": 0}),
        item("failure", {"resource": "svc1", "node": "n1", "count": -1, "last_failure": 0}),
        item("failure", {"resource": "nope", "node": "n1", "count": 1, "last_failure": 0}),
        item("fence_request", {"node": "n9"}),
        item("fence_request", {"node": ["n1"]}),
        item("fenced", {}),
        item("leaving", {"node": None}),
        item("attribute", {"node": "n1", "name": "x" * 100000, "value": "1"}),
        item("op_request", {"id": "x", "to": "n1", "kind": "start"}),
        item("op_request", {"id": 1, "to": "n1", "kind": "explode", "resource": "svc1", "node": "n1",
                            "timeout_ms": 1000}),
        item("op_result", {"id": 1, "to": "n1", "status": 99999}),
        item("sync_request", {"round": "one"}),
        item("sync_busy", {"round": 1, "node": "n42"}),
        item("node_report", {"round": 1, "coordinator": "n1", "node": "n2", "placements": [{"resource": "svc1"}]}),
        item("config", {"cluster": "not a cluster"}),
        item("monitor_failed", {"resource": "svc1"}),
    ]
    for i in range(0, len(bad_items), 4):
        chunk = bad_items[i:i + 4]
        out.append((envelope(*chunk), len(chunk)))
    # Random ill-typed bodies for the real kinds (not sync_request: its only field is a round,
    # so some junk would make a valid one).
    kinds = ["placement", "failure", "failures_cleared", "attribute", "fence_request", "fenced", "config",
             "monitor_failed", "op_request", "op_result", "sync_busy", "node_report", "leaving", "left"]
    junk = [None, True, -1, 2 ** 63, 1e308, "", "n9", "\ud800", [], {}, [1, [2, [3]]]]
    for _ in range(40):
        kind = rng.choice(kinds)
        keys = ["resource", "node", "state", "count", "round", "id", "to", "kind", "status", "name", "coordinator"]
        body = {k: rng.choice(junk) for k in rng.sample(keys, rng.randrange(1, 5))}
        out.append((envelope(item(kind, body)), 1))
    return out
