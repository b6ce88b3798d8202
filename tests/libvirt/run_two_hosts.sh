#!/bin/bash
# Runs the two-host live-migration test with real libvirt daemons, inside a PID namespace so
# every daemon and guest ends with it (this machine's init reaps orphans late), and tears the
# hosts down whatever happens.  Usage: run_two_hosts.sh TEST_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?test binary}
if ! command -v libvirtd >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
  echo "SKIPPED: libvirtd or qemu-system-x86_64 is not installed (./scripts/dev deps installs them)"
  exit 0
fi
export WHA_LV_BASE
WHA_LV_BASE=$(mktemp -d /tmp/wha-libvirt-XXXXXX)
exec unshare --pid --fork --mount-proc --kill-child bash -c '
  trap "\"$0\"/hosts.sh down" EXIT
  "$0"/hosts.sh up host-a host-b || exit 1
  "$1"' "$here" "$binary"
