#!/bin/bash
# Starts three libvirt hosts on this machine, runs the demo against them, and tears everything
# down afterwards — also on Ctrl-C — inside a PID namespace, so no daemon or guest survives
# (tests/libvirt/with_hosts.sh). Usage: run_demo.sh DEMO_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?demo binary}
echo "starting three libvirt hosts (private daemons in their own namespaces)..."
exec "$here/../../tests/libvirt/with_hosts.sh" host-a host-b host-c -- "$binary"
