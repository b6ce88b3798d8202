#!/bin/bash
# Builds the small guest the real-guest tests and the demo boot under KVM, from Debian
# packages only: the kernel of linux-image-amd64 and an initramfs holding busybox-static (its
# httpd and watchdog applets), qemu-guest-agent with its libraries, and the kernel modules for
# virtio-serial, virtio-net and the i6300esb watchdog. No disk: the guest runs from RAM.
#
#   build_image.sh OUT_DIR      writes OUT_DIR/vmlinuz and OUT_DIR/initrd.gz (skips the work
#                               when they are newer than this script and guest_init.sh)
#
# Exits 3 with "SKIPPED: why" on stdout when a package is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?output directory}
skip() { echo "SKIPPED: $* (./scripts/dev deps installs it)"; exit 3; }

kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || skip "no kernel from linux-image-amd64 in /boot"
version=${kernel#/boot/vmlinuz-}
modules=/lib/modules/$version
[ -d "$modules" ] || skip "no modules for $version"
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx httpd || skip "busybox-static is not installed"
[ -x /usr/sbin/qemu-ga ] || skip "qemu-guest-agent is not installed"
command -v modinfo >/dev/null || skip "modinfo (kmod) is not installed"

mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ "$out/initrd.gz" -nt "$0" ] && [ "$out/initrd.gz" -nt "$here/guest_init.sh" ] &&
   [ "$out/vmlinuz" -nt "$kernel" ]; then
  exit 0
fi

root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,www,lib/modules,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
cp /usr/sbin/qemu-ga "$root/usr/sbin/qemu-ga"
# qemu-ga's shared libraries at the paths the dynamic loader looks them up at.
ldd /usr/sbin/qemu-ga | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
  [ -f "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# Modules in dependency order (each after what it depends on), loaded by the init script.
loaded=()
add_module() {
  local m=$1 dep
  for l in "${loaded[@]:-}"; do [ "$l" = "$m" ] && return 0; done
  for dep in $(modinfo -k "$version" -F depends "$m" | tr ',' ' '); do add_module "$dep"; done
  local file
  file=$(modinfo -k "$version" -n "$m")
  case $file in /*) cp "$file" "$root/lib/modules/$m.ko"; echo "$m" >>"$root/lib/modules/order" ;; esac
  loaded+=("$m")
}
for m in virtio_pci virtio_console virtio_net i6300esb; do add_module "$m"; done
cp "$here/guest_init.sh" "$root/init"
chmod 755 "$root/init"
echo '<html><body>wholesale_ha guest</body></html>' >"$root/www/index.html"
(cd "$root" && find . | cpio --quiet -o -H newc | gzip -1 >"$out/initrd.gz.tmp")
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
cp "$kernel" "$out/vmlinuz"
