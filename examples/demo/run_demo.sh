#!/bin/bash
# Starts three libvirt hosts on this machine, runs the demo against them, and tears everything
# down afterwards — also on Ctrl-C — inside a PID namespace, so no daemon or guest survives
# (tests/libvirt/with_hosts.sh). Builds the small Linux guest of the first act into IMAGE_DIR
# (default: guest-image beside the binary's directory); without its packages that act is left
# out. Usage: run_demo.sh DEMO_BINARY [IMAGE_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?demo binary}
image=${2:-$(dirname "$binary")/../guest-image}
if "$here/../../tests/libvirt/guest/build_image.sh" "$image" >/dev/null; then
  export WHA_GUEST_IMAGE
  WHA_GUEST_IMAGE=$(cd "$image" && pwd)
else
  echo "(no Linux guest image: the act where an application dies inside a VM is left out)"
fi
echo "starting three libvirt hosts (private daemons in their own namespaces)..."
exec "$here/../../tests/libvirt/with_hosts.sh" host-a host-b host-c -- "$binary"
