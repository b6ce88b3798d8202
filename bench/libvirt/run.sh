#!/bin/bash
# Builds and runs the libvirt benchmarks (bench/README.md, "Wholesale backends") against three
# simulated libvirt hosts on this machine: real daemons, real live migrations of tiny guests,
# about four minutes. Needs root (namespaces); prints SKIPPED where libvirt cannot run.
#
#   bench/libvirt/run.sh [BENCHMARK_FLAGS...]       e.g. --benchmark_filter=Evacuate
#
# Builds in build/release (the release preset) unless WHA_BUILD_DIR names another configured
# build directory. Not part of ./scripts/dev bench or the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${WHA_BUILD_DIR:-build/release}
./scripts/dev deps
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  [ "$build" = build/release ] || { echo "$build is not a configured build directory" >&2; exit 2; }
  cmake --preset release >/dev/null
fi
if ! grep -q '^WHOLESALE_HA_WITH_LIBVIRT:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "SKIPPED: $build is configured without wholesale_ha::libvirt (libvirt-dev missing or WHOLESALE_HA_WITH_LIBVIRT=OFF)"
  exit 0
fi
cmake --build "$build" --target wholesale_ha_libvirt_bench
exec ./tests/libvirt/with_hosts.sh host-a host-b host-c -- "$build/bench/libvirt/wholesale_ha_libvirt_bench" "$@"
