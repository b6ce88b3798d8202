#!/bin/sh
# The three-node test's fence agent: "powers off" a node by killing every process in its
# network namespace (corosync, wha-node and the resources it started) and its hypervisor's
# guests, waits until they are gone and only then reports success. The test "reboots" the
# node afterwards.
#   fence_netns.sh WORK_DIR NODE
work=$1
node=$2
ns=$(cat "$work/$node.netns") || { echo "unknown node $node" >&2; exit 1; }
# An optional delay, like a slow power switch (pcmk_delay_base in Pacemaker).
[ -f "$work/fence_delay" ] && sleep "$(cat "$work/fence_delay")"
echo "$(date +%s.%N) FENCE-BEGIN $node" >>"$work/events.log"
for attempt in $(seq 1 100); do
  pids=$(ip netns pids "$ns")
  [ -z "$pids" ] && break
  kill -KILL $pids 2>/dev/null
  sleep 0.1
done
# The node's hypervisor (when the test gave it one) goes down with it, guests included.
if [ -d "$work/lv/$node" ]; then
  WHA_LV_BASE=$work/lv "$(dirname "$0")/../libvirt/hosts.sh" kill "$node" || exit 1
fi
if [ -n "$(ip netns pids "$ns")" ]; then
  echo "processes of $node survive: $(ip netns pids "$ns")" >&2
  exit 1
fi
echo "$(date +%s.%N) FENCED $node" >>"$work/events.log"
echo "$node is off"
