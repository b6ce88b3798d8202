#!/usr/bin/env bash
# Bash completion (src/cli/wha-completion.bash): options from each tool's --help, resource
# and node names from the cluster file on the command line. (Names from a running daemon:
# tests/wha_node/service_test.py.) Usage: completion_test.sh SCRIPT BIN_DIR EXAMPLE_CLUSTER
set -euo pipefail
script=$1 bin=$2 example=$3
# shellcheck source=/dev/null
source "$script"
failed=0

complete_words() {  # the words, the last being completed -> COMPREPLY, one per line
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  _wha_complete "${COMP_WORDS[0]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

expect() {  # expect "<what>" <word>... -- <words to complete>
  local what=$1 got
  shift
  local wanted=()
  while [[ $1 != -- ]]; do wanted+=("$1"); shift; done
  shift
  got=$(complete_words "$@")
  for w in "${wanted[@]}"; do
    if ! grep -qxF -- "$w" <<<"$got"; then
      echo "FAIL $what: no $w in: $(tr '\n' ' ' <<<"$got")"
      failed=1
      return
    fi
  done
  echo "ok   $what"
}

expect "wha-mon options" --standby --start --stop -- "$bin/wha-mon" --st
expect "wha-mon --re" --reload -- "$bin/wha-mon" --re
expect "wha-simulate options" --explain --survive -- "$bin/wha-simulate" --
expect "wha-verify --cib" --cib -- "$bin/wha-verify" --ci
expect "wha-health options" --config --json -- "$bin/wha-health" --
expect "resources from the cluster file" vm-db vm-web -- "$bin/wha-simulate" "$example" --explain vm-
expect "nodes from the cluster file" host-a host-b -- "$bin/wha-simulate" "$example" --node-down host-
exit $failed
