#!/bin/bash
# Runs a command next to simulated libvirt hosts (hosts.sh), inside a PID namespace so every
# daemon and guest ends with it (this machine's init reaps orphans late), and tears the hosts
# down whatever happens. Shared by the two-host test, the demo and the libvirt benchmarks.
#
#   with_hosts.sh HOST... -- COMMAND [ARG...]
#
# COMMAND sees WHA_LV_BASE (host sockets: $WHA_LV_BASE/<HOST>/sock/libvirt-sock) and ends
# with its exit status. Where libvirt cannot run here (libvirtd or QEMU not installed, no
# libvirt-qemu user, no namespaces), prints "SKIPPED: why" and exits 0 without running it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
hosts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do hosts+=("$1"); shift; done
if [ "${1:-}" != "--" ] || [ $# -lt 2 ] || [ "${#hosts[@]}" -eq 0 ]; then
  sed -n '2,10p' "$0"
  exit 2
fi
shift

skip() { echo "SKIPPED: $* (./scripts/dev deps installs and prepares what is needed)"; exit 0; }
command -v libvirtd >/dev/null || skip "libvirtd is not installed"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
id libvirt-qemu >/dev/null 2>&1 || skip "libvirt's QEMU driver needs the user libvirt-qemu"
unshare --pid --fork --mount-proc true 2>/dev/null || skip "cannot create PID and mount namespaces here (needs root)"

export WHA_LV_BASE
WHA_LV_BASE=$(mktemp -d /tmp/wha-libvirt-XXXXXX)
# `trap : INT`: Ctrl-C ends (or is handled by) the command, never this shell, so the hosts
# still go down; the command starts with SIGINT's default disposition, not ignored.
exec unshare --pid --fork --mount-proc --kill-child bash -c '
  hosts_sh=$0/hosts.sh
  n=$1
  shift
  trap "\"$hosts_sh\" down" EXIT
  trap : INT
  "$hosts_sh" up "${@:1:n}" || exit 1
  "${@:n+1}"' "$here" "${#hosts[@]}" "${hosts[@]}" "$@"
