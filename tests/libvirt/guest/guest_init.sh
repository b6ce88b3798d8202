#!/bin/busybox sh
# PID 1 of the test guest (build_image.sh). Kernel parameters it reads:
#   wha.ip=ADDR/PREFIX   address of eth0 (virtio-net), when the domain has one
#   wha.watchdog=SECONDS  pet /dev/watchdog (i6300esb) with this timeout, when present
# It serves /www with busybox httpd on port 80, answers the host through qemu-ga on the
# virtio-serial port org.qemu.guest_agent.0.
/bin/busybox --install -s /bin
mkdir -p /var/run /var/log
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/lib/modules/$m.ko"; done </lib/modules/order

ip= wd=
for a in $(cat /proc/cmdline); do
  case $a in
    wha.ip=*) ip=${a#wha.ip=} ;;
    wha.watchdog=*) wd=${a#wha.watchdog=} ;;
  esac
done

# Device nodes of a virtio-serial port by its name (devtmpfs makes /dev/vportNpM; no udev).
port() {
  for p in /sys/class/virtio-ports/*; do
    [ -f "$p/name" ] && [ "$(cat "$p/name")" = "$1" ] && echo "/dev/${p##*/}" && return 0
  done
  return 1
}
# Drivers probe asynchronously: give the ports and the NIC up to 5 s to appear.
i=0
while [ $i -lt 50 ] && ! port org.qemu.guest_agent.0 >/dev/null && ! [ -e /sys/class/net/eth0 ]; do
  sleep 0.1
  i=$((i + 1))
done

ip link set lo up
if [ -n "$ip" ] && [ -e /sys/class/net/eth0 ]; then
  ip addr add "$ip" dev eth0
  ip link set eth0 up
fi
httpd -p 80 -h /www
if [ -n "$wd" ] && [ -e /dev/watchdog ]; then
  watchdog -T "$wd" -t 1 /dev/watchdog
fi
if agent=$(port org.qemu.guest_agent.0); then
  qemu-ga -m virtio-serial -p "$agent" -t /var/run &
fi
echo "wholesale_ha guest up"
# PID 1 must never exit; it also reaps orphans.
while :; do wait; sleep 1; done
