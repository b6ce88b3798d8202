#!/bin/bash
# Simulated libvirt hosts on this machine for the integration test and the demo: each host is
# a private libvirtd in its own mount namespace with its own state dirs, socket, host UUID and
# migration ports. Adapted from ../shared/recipes/libvirt-two-hosts.
#
#   hosts.sh up NAME...     start one daemon per NAME (any existing ones are stopped first)
#   hosts.sh up-one NAME INDEX  (re)start one host; INDEX (1, 2, ...) gives it the UUID and
#                           migration ports it had as the INDEXth NAME of "up"
#   hosts.sh kill NAME      "power off" a host: its guests' QEMU processes and its daemon
#   hosts.sh kill-daemon NAME   kill only the host's libvirtd (its guests keep running)
#   hosts.sh down           stop every host and remove the state (only what this script made)
#
# WHA_LV_BASE (required) is a scratch directory this script owns; sockets are
# $WHA_LV_BASE/<NAME>/sock/libvirt-sock. Run inside a PID namespace (see run_two_hosts.sh) so
# every daemon and guest also dies with the test.
set -u
BASE=${WHA_LV_BASE:?set WHA_LV_BASE to a scratch directory}

# Mount points for the bind mounts (exist on hosts with libvirt-daemon-system; harmless here).
mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt

alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

kill_daemon() {
  local d=$BASE/$1 p
  [ -f "$d/unshare.pid" ] || return 0
  p=$(cat "$d/unshare.pid")
  { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF "$d/libvirtd.pid" || return 0
  kill -9 "$p" 2>/dev/null
  for _ in $(seq 1 100); do alive "$p" || break; sleep 0.02; done
}

kill_host() {
  local d=$BASE/$1
  [ -d "$d" ] || return 0
  # Guests first (pid files written by this host's daemon; check the command line so a stale
  # pid file never kills somebody else's process).
  for pf in "$d"/run/qemu/*.pid; do
    [ -f "$pf" ] || continue
    p=$(cat "$pf")
    { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q 'qemu-system.*guest=' && kill -9 "$p"
  done
  if [ -f "$d/unshare.pid" ]; then
    p=$(cat "$d/unshare.pid")
    if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF "$d/libvirtd.pid"; then
      kill -9 "$p" 2>/dev/null
      for _ in $(seq 1 100); do alive "$p" || break; sleep 0.02; done
    fi
    rm -f "$d/unshare.pid"
  fi
  # libvirtd's capability probe: a daemonized QEMU that outlives a daemon killed mid-probe.
  for pf in "$d"/lib/qemu/qmp-*/qmp.pid; do
    [ -f "$pf" ] || continue
    p=$(cat "$pf")
    { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q 'qemu-system.*-qmp' && kill -9 "$p"
  done
}

up_host() {
  local h=$1 index=$2 d=$BASE/$1
  rm -rf "$d"
  mkdir -p "$d"/{etc,run,lib,cache/qemu/capabilities,log,sock}
  local uuid pmin
  uuid=$(printf '%08x-1111-4111-8111-%012x' "$index" "$index")
  pmin=$((49152 + index * 32))
  cat >"$d/etc/libvirtd.conf" <<CONF
unix_sock_dir = "$d/sock"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
host_uuid = "$uuid"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
  cat >"$d/etc/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
migration_port_min = $pmin
migration_port_max = $((pmin + 31))
CONF
  # exec keeps one PID: unshare execs sh, sh execs libvirtd.
  unshare -m --propagation private sh -c "
    mount --bind $d/etc /etc/libvirt &&
    mount --bind $d/run /run/libvirt &&
    mount --bind $d/lib /var/lib/libvirt &&
    mount --bind $d/cache /var/cache/libvirt &&
    mount --bind $d/log /var/log/libvirt &&
    exec libvirtd -f /etc/libvirt/libvirtd.conf -p $d/libvirtd.pid" >"$d/daemon.out" 2>&1 &
  echo $! >"$d/unshare.pid"
}

wait_ready() {
  for h in "$@"; do
    for _ in $(seq 1 400); do
      virsh -q -c "qemu:///system?socket=$BASE/$h/sock/libvirt-sock" uri >/dev/null 2>&1 && continue 2
      sleep 0.05
    done
    echo "libvirtd for host $h did not come up; see $BASE/$h/daemon.out" >&2
    return 1
  done
}

case "${1:-}" in
  up)
    shift
    index=1
    for h in "$@"; do kill_host "$h"; up_host "$h" "$index"; index=$((index + 1)); done
    wait_ready "$@"
    ;;
  up-one)
    kill_host "${2:?host name}"
    up_host "$2" "${3:?index}"
    wait_ready "$2"
    ;;
  kill) kill_host "${2:?host name}" ;;
  kill-daemon) kill_daemon "${2:?host name}" ;;
  down)
    for d in "$BASE"/*/; do [ -f "$d/etc/libvirtd.conf" ] && kill_host "$(basename "$d")"; done
    rm -rf "$BASE"
    ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
