# bash completion for wha-verify, wha-simulate, wha-health, wha-mon and wha-node.
# Options are read from the tool's own --help, so they never drift from it; after an option
# that names a node or resource (wha-mon, wha-simulate), the names come from the running
# daemon's status (wha-mon --json) or from the cluster file on the command line.

_wha_options() {
  "$1" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# The "id" values of a status or cluster document: nodes and resources.
_wha_ids() {
  sed -n 's/^ *"id": *"\([^"]*\)".*/\1/p'
}

_wha_names() {
  local program=$1 word
  if [[ ${program##*/} == wha-mon ]]; then
    local socket=()
    for ((word = 1; word < COMP_CWORD; word++)); do
      [[ ${COMP_WORDS[word]} == --socket ]] && socket=(--socket "${COMP_WORDS[word + 1]}")
    done
    "$program" "${socket[@]}" --json 2>/dev/null | _wha_ids
  else
    for ((word = 1; word < COMP_CWORD; word++)); do
      if [[ ${COMP_WORDS[word]} == *.json && -r ${COMP_WORDS[word]} ]]; then
        python3 -m json.tool "${COMP_WORDS[word]}" 2>/dev/null | _wha_ids
        return
      fi
    done
  fi
}

_wha_complete() {
  local current=${COMP_WORDS[COMP_CWORD]} previous=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  case $previous in
    --move | --standby | --unstandby | --maintenance | --clear | --start | --stop | --attribute | --explain | \
      --node-down | --node-up | --node-offline | --shutdown | --reboot | --fail | --end-maintenance)
      mapfile -t COMPREPLY < <(compgen -W "$(_wha_names "$1")" -- "$current")
      return
      ;;
    --config | --cib | --socket | --save | --dot)
      mapfile -t COMPREPLY < <(compgen -f -- "$current")
      return
      ;;
  esac
  if [[ $current == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_wha_options "$1")" -- "$current")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$current")
  fi
}

complete -F _wha_complete wha-verify wha-simulate wha-health wha-mon wha-node
