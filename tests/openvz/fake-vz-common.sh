# Shared by the OpenVZ/Virtuozzo stand-ins (sourced). A node's containers live in
# $WHA_FAKE_VZ_STATE/ct/<CTID>/: the directory is the container (configuration and private
# area); marker files "running" and "mounted" are its state, "name" its name. Tests drop
# fault files next to them: "stop-hangs", "stop-fails", "status-hangs", "migrate-fails",
# "start-fails", and "status-says" (printed instead of the status line, to feed the agent
# other versions' lines or garbage). Every call is appended to $WHA_FAKE_VZ_STATE/calls.log.

# Anything this stand-in was not written for ends here: loudly, with a code no real tool uses.
unexpected() {
  echo "$TOOL (stand-in): unexpected call: $TOOL $*" >&2
  exit 199
}

[ -n "${WHA_FAKE_VZ_STATE:-}" ] || { echo "$TOOL (stand-in): WHA_FAKE_VZ_STATE is not set" >&2; exit 198; }
STATE=$WHA_FAKE_VZ_STATE
mkdir -p "$STATE/ct"
echo "$TOOL $*" >> "$STATE/calls.log"

is_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
is_name() { case "$1" in ''|-*|*[!A-Za-z0-9_.-]*) return 1 ;; *) return 0 ;; esac; }
is_path() { case "$1" in /*) return 0 ;; *) return 1 ;; esac; }
is_address() { case "$1" in ''|-*|*[!A-Za-z0-9_.:@\[\]-]*) return 1 ;; *) return 0 ;; esac; }

# CT ID for a numeric ID or a name, in $ID; empty when no container here has that name.
resolve() {
  ID=
  if is_number "$1"; then ID=$1; return; fi
  for f in "$STATE"/ct/*/name; do
    [ -f "$f" ] || continue
    if [ "$(cat "$f")" = "$1" ]; then ID=$(basename "$(dirname "$f")"); return; fi
  done
}

ct_dir() { echo "$STATE/ct/$1"; }
exists() { [ -d "$(ct_dir "$1")" ]; }
running() { [ -f "$(ct_dir "$1")/running" ]; }
mounted() { [ -f "$(ct_dir "$1")/mounted" ]; }
fault() { [ -f "$(ct_dir "$1")/$2" ]; }
# The status faults, shared by vzctl and prlctl.
status_faults() {
  if fault "$1" status-hangs; then exec sleep 3600; fi
  if fault "$1" status-says; then cat "$(ct_dir "$1")/status-says"; exit 0; fi
}
set_running() { touch "$(ct_dir "$1")/running" "$(ct_dir "$1")/mounted"; }
set_stopped() { rm -f "$(ct_dir "$1")/running" "$(ct_dir "$1")/mounted"; }
