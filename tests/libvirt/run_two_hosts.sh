#!/bin/bash
# Runs the two-host live-migration test with two real libvirt daemons (with_hosts.sh: a PID
# namespace, hosts torn down whatever happens; SKIPPED where libvirt cannot run).
# Usage: run_two_hosts.sh TEST_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/with_hosts.sh" host-a host-b -- "${1:?test binary}"
