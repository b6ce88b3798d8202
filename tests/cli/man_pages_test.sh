#!/usr/bin/env bash
# The man pages help2man made from --help (cmake/WholesaleHaManPages.cmake): each tool has
# one in its section, with its options and exit statuses. Usage: man_pages_test.sh MAN_DIR
set -euo pipefail
dir=$1
failed=0
check() {  # check PAGE PATTERN
  if grep -qE -- "$2" "$dir/$1"; then echo "ok   $1: $2"; else echo "FAIL $1 lacks $2"; failed=1; fi
}
check wha-mon.1 '^\.TH WHA-MON "1"'
check wha-mon.1 'reload'
check wha-mon.1 'Exit status'
check wha-simulate.1 'Exit status'
check wha-verify.1 'strict'
check wha-health.1 'monitoring plugin'
if [[ -e $dir/wha-node.8 ]]; then
  check wha-node.8 '^\.TH WHA-NODE "8"'
  check wha-node.8 'SIGHUP'
fi
exit $failed
