#!/bin/bash
# Runs the real-guest test: builds the guest image (guest/build_image.sh), then, in a network
# namespace of its own with a bridge for the guests (10.77.0.1/24 — nothing is added outside
# the namespace), two libvirt hosts (with_hosts.sh) and the test binary.
# Usage: run_guest.sh TEST_BINARY IMAGE_DIR
# Prints "SKIPPED: why" and exits 0 where the image or the namespaces cannot be made.
set -u
here=$(cd "$(dirname "$0")" && pwd)
test_binary=${1:?test binary}
image=${2:?image directory}
mkdir -p "$image" && image=$(cd "$image" && pwd)
"$here/guest/build_image.sh" "$image"
case $? in
  0) ;;
  3) exit 0 ;;  # build_image.sh said why
  *) echo "cannot build the guest image"; exit 1 ;;
esac
unshare --net true 2>/dev/null || { echo "SKIPPED: cannot create a network namespace here (needs root)"; exit 0; }
export WHA_GUEST_IMAGE=$image
exec unshare --net bash -c '
  set -e
  ip link set lo up
  ip link add whabr0 type bridge
  ip addr add 10.77.0.1/24 dev whabr0
  ip link set whabr0 up
  set +e
  "$0/with_hosts.sh" host-a host-b -- "$1"' "$here" "$test_binary"
