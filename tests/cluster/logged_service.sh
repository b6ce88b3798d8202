#!/bin/sh
# A resource for the three-node test: records its start and its orderly stop in the shared
# event log, so the test can prove that no resource ever ran twice at once.
#   logged_service.sh EVENT_LOG RESOURCE      (the node comes from $WHA_NODE)
log=$1
resource=$2
stamp() { date +%s.%N; }
echo "$(stamp) START $resource ${WHA_NODE:?} $$" >>"$log"
trap 'echo "$(stamp) STOP $resource $WHA_NODE $$" >>"$log"; exit 0' TERM INT
while :; do
  sleep 1 &
  wait $!
done
