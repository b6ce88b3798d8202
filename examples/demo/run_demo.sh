#!/bin/bash
# Starts three libvirt hosts on this machine, runs the demo against them, and tears everything
# down afterwards — also on Ctrl-C — inside a PID namespace, so no daemon or guest survives.
# Usage: run_demo.sh DEMO_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
hosts_sh=$here/../../tests/libvirt/hosts.sh
binary=${1:?demo binary}
export WHA_LV_BASE
WHA_LV_BASE=$(mktemp -d /tmp/wha-demo-XXXXXX)
exec unshare --pid --fork --mount-proc --kill-child bash -c '
  trap "\"$0\" down" EXIT
  trap "" INT   # the demo handles Ctrl-C itself and exits; then the EXIT trap cleans up
  echo "starting three libvirt hosts (private daemons in their own namespaces)..."
  "$0" up host-a host-b host-c || exit 1
  "$1"' "$hosts_sh" "$binary"
