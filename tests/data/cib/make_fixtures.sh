#!/usr/bin/env bash
# Regenerates the Pacemaker CIB fixtures in this directory with Pacemaker's own tools, so
# the importer is tested on XML that Pacemaker really writes (lrm history, op digests,
# transient attributes), not on hand-typed approximations.
#
# Needs: apt-get install pacemaker pacemaker-cli-utils (tested with Pacemaker 2.1.5, Debian
# 12). Not run by the test suite. Timestamps (last-rc-change) come from the clock, so a rerun
# changes them; the tests compare against values read back, not against the clock.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# cibadmin/crm_attribute/crm_resource edit the file named by CIB_file instead of a live cluster.
edit() { CIB_file="$1" "${@:2}" >/dev/null; }
# crm_simulate: simulate the transition on $1 and save the result as $2 (extra args: events).
simulate() { crm_simulate -Q -x "$1" -S -O "$2" -q 1 "${@:3}" >/dev/null; }

# ---- basic.xml: every mapped configuration field, after its first transition -------------
cibadmin --empty > config.xml
c=config.xml
for i in 1 2 3; do
  edit $c cibadmin --create -o nodes -X "<node id=\"$i\" uname=\"node$i\"/>"
done
for prop in stonith-enabled=false no-quorum-policy=freeze symmetric-cluster=true \
            placement-strategy=balanced node-health-strategy=custom node-health-red=-INFINITY \
            node-health-yellow=-10 node-health-green=5 migration-limit=2 cluster-name=lab \
            dc-version=2.1.5-a3f44794f94 cluster-infrastructure=corosync; do
  edit $c crm_attribute --type crm_config --name "${prop%%=*}" --update="${prop#*=}"
done
for meta in resource-stickiness=100 migration-threshold=3 failure-timeout=10min \
            allow-unhealthy-nodes=false; do
  edit $c crm_attribute -N node1 --type rsc_defaults --name "${meta%%=*}" --update="${meta#*=}"
done
edit $c crm_attribute --node node1 --name rack --update r1
edit $c crm_attribute --node node2 --name rack --update r2
edit $c crm_attribute --node node3 --name rack --update r2
edit $c crm_attribute --node node3 --name standby --update on
edit $c crm_attribute --node node1 --utilization --name cpu --update 8
edit $c crm_attribute --node node2 --utilization --name cpu --update 8
edit $c crm_attribute --node node3 --utilization --name cpu --update 4
edit $c cibadmin --create -o resources -X '
  <primitive id="vm1" class="ocf" provider="heartbeat" type="Dummy">
    <operations>
      <op id="vm1-monitor-10s" name="monitor" interval="10s"/>
    </operations>
  </primitive>'
edit $c crm_resource --resource vm1 --set-parameter state --parameter-value /run/vm1.state
edit $c crm_resource --resource vm1 --meta --set-parameter allow-migrate --parameter-value true
edit $c crm_resource --resource vm1 --meta --set-parameter priority --parameter-value 10
edit $c crm_resource --resource vm1 --utilization --set-parameter cpu --parameter-value 2
edit $c cibadmin --create -o resources -X '<primitive id="web" class="systemd" type="nginx"/>'
edit $c crm_resource --resource web --meta --set-parameter target-role --parameter-value Stopped
edit $c cibadmin --create -o resources -X '
  <group id="app">
    <primitive id="app-ip" class="ocf" provider="heartbeat" type="IPaddr2">
      <instance_attributes id="app-ip-params">
        <nvpair id="app-ip-params-ip" name="ip" value="192.0.2.10"/>
      </instance_attributes>
    </primitive>
    <primitive id="app-daemon" class="lsb" type="appd">
      <meta_attributes id="app-daemon-meta">
        <nvpair id="app-daemon-meta-stickiness" name="resource-stickiness" value="INFINITY"/>
      </meta_attributes>
    </primitive>
    <meta_attributes id="app-meta">
      <nvpair id="app-meta-stickiness" name="resource-stickiness" value="200"/>
      <nvpair id="app-meta-threshold" name="migration-threshold" value="5"/>
    </meta_attributes>
  </group>'
edit $c cibadmin --create -o resources -X '
  <clone id="ping-clone">
    <primitive id="ping" class="ocf" provider="pacemaker" type="ping">
      <instance_attributes id="ping-params">
        <nvpair id="ping-params-host_list" name="host_list" value="192.0.2.1"/>
      </instance_attributes>
    </primitive>
    <meta_attributes id="ping-clone-meta">
      <nvpair id="ping-clone-meta-max" name="clone-max" value="2"/>
      <nvpair id="ping-clone-meta-node-max" name="clone-node-max" value="1"/>
    </meta_attributes>
  </clone>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node1" score="50"/>'
edit $c cibadmin --create -o constraints -X '
  <rsc_location id="app-on-rack2" rsc="app">
    <rule id="app-on-rack2-rule" score="-INFINITY" boolean-op="or">
      <expression id="app-on-rack2-e1" attribute="rack" operation="ne" value="r2"/>
      <expression id="app-on-rack2-e2" attribute="cpu-count" operation="lt" value="4" type="number"/>
    </rule>
  </rsc_location>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_colocation id="app-with-ping" rsc="app" with-rsc="ping-clone" score="INFINITY"/>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_colocation id="vm1-apart-from-app" rsc="vm1" with-rsc="app" score="-500"/>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_order id="ping-then-app" first="ping-clone" then="app" kind="Mandatory"/>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_order id="app-then-vm1" first="app" then="vm1" kind="Optional" symmetrical="false"/>'
edit $c cibadmin --create -o constraints -X \
  '<rsc_order id="legacy-score-order" first="vm1" then="web" score="0"/>'
edit $c cibadmin --create -o constraints -X '
  <rsc_location id="web-not-on-node1" rsc="web">
    <rule id="web-not-on-node1-rule" score="-INFINITY">
      <expression id="web-not-on-node1-e" attribute="#uname" operation="eq" value="node1"/>
    </rule>
  </rsc_location>'
edit $c cibadmin --create -o constraints -X '
  <rsc_location id="vm1-by-rack" rsc="vm1">
    <rule id="vm1-by-rack-r1" score="10">
      <expression id="vm1-by-rack-r1-e" attribute="rack" operation="eq" value="r1"/>
    </rule>
    <rule id="vm1-by-rack-r2" score="20" boolean-op="and">
      <expression id="vm1-by-rack-r2-e1" attribute="rack" operation="defined"/>
      <expression id="vm1-by-rack-r2-e2" attribute="gpu" operation="not_defined"/>
    </rule>
  </rsc_location>'
simulate $c basic.xml -u node1 -u node2 -u node3

# ---- failures.xml: a monitor failure on vm1 whose recovery start fails too ---------------
vm1_node="$(CIB_file=basic.xml crm_resource --locate --resource vm1 2>/dev/null | sed -n 's/.*running on: //p')"
simulate basic.xml failures.xml -i "vm1_monitor_10000@${vm1_node}=7" -F "vm1_start_0@${vm1_node}=1" \
  -i "app-daemon_monitor_0@node1=1"

# ---- migration.xml: vm1 live-migrated after a move (cli-prefer constraint) ----------------
cp basic.xml moved.xml
target="node2"; [ "$vm1_node" = node2 ] && target="node1"
edit moved.xml crm_resource --resource vm1 --move --node "$target"
simulate moved.xml migration.xml

# ---- lost-node.xml: node2 lost without a clean leave, node3 shut down cleanly, quorum kept --
crm_simulate -Q -x basic.xml -q 1 --node-fail node2 --node-down node3 -I lost-node.xml \
  >/dev/null 2>&1 || true
edit lost-node.xml crm_attribute --node node1 --name '#health-disk' --update yellow --lifetime reboot
edit lost-node.xml cibadmin --modify -o cib -X '<cib execution-date="1764050000"/>' || true

# ---- unsupported.xml: basic plus every construct the import reports instead of mapping ------
cp basic.xml unsupported.xml
u=unsupported.xml
edit $u crm_attribute --type crm_config --name maintenance-mode --update=true
edit $u crm_attribute --type crm_config --name batch-limit --update=10
edit $u crm_attribute --type crm_config --name start-failure-is-fatal --update=false
edit $u crm_resource --resource vm1 --meta --set-parameter is-managed --parameter-value false
edit $u cibadmin --create -o resources -X '
  <primitive id="fence-node1" class="stonith" type="fence_ipmilan">
    <instance_attributes id="fence-node1-params">
      <nvpair id="fence-node1-params-ip" name="ip" value="192.0.2.101"/>
    </instance_attributes>
  </primitive>'
edit $u cibadmin --create -o resources -X '
  <clone id="db-clone">
    <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/>
    <meta_attributes id="db-clone-meta">
      <nvpair id="db-clone-meta-promotable" name="promotable" value="true"/>
    </meta_attributes>
  </clone>'
edit $u cibadmin --create -o resources -X '
  <clone id="base-clone">
    <group id="base">
      <primitive id="base-fs" class="ocf" provider="heartbeat" type="Dummy"/>
    </group>
  </clone>'
edit $u cibadmin --create -o resources -X '
  <bundle id="httpd-bundle">
    <docker image="pcmk:httpd" replicas="1"/>
  </bundle>'
edit $u cibadmin --create -o resources -X \
  '<template id="vm-template" class="ocf" provider="heartbeat" type="Dummy"/>'
edit $u cibadmin --create -o resources -X '<primitive id="vm2" template="vm-template"/>'
edit $u cibadmin --create -o resources -X '
  <primitive id="batch" class="ocf" provider="heartbeat" type="Dummy">
    <meta_attributes id="batch-night">
      <rule id="batch-night-rule" score="0">
        <date_expression id="batch-night-hours" operation="date_spec">
          <date_spec id="batch-night-hours-spec" hours="0-6"/>
        </date_expression>
      </rule>
      <nvpair id="batch-night-stickiness" name="resource-stickiness" value="0"/>
    </meta_attributes>
  </primitive>'
edit $u cibadmin --create -o constraints -X \
  '<rsc_location id="fence-node1-avoids-node1" rsc="fence-node1" node="node1" score="-INFINITY"/>'
edit $u cibadmin --create -o constraints -X \
  '<rsc_location id="vm-pattern" rsc-pattern="^vm" node="node1" score="10"/>'
edit $u cibadmin --create -o constraints -X '
  <rsc_location id="batch-by-preference" rsc="batch">
    <rule id="batch-by-preference-rule" score-attribute="batch-preference">
      <expression id="batch-by-preference-e" attribute="batch-preference" operation="defined"/>
    </rule>
  </rsc_location>'
edit $u cibadmin --create -o constraints -X '
  <rsc_location id="batch-in-2025" rsc="batch">
    <rule id="batch-in-2025-rule" score="100">
      <date_expression id="batch-in-2025-date" operation="in_range" start="2025-01-01" end="2026-01-01"/>
    </rule>
  </rsc_location>'
edit $u cibadmin --create -o constraints -X \
  '<rsc_colocation id="batch-with-promoted-db" rsc="batch" with-rsc="db-clone" with-rsc-role="Promoted" score="INFINITY"/>'
edit $u cibadmin --create -o constraints -X \
  '<rsc_order id="vm1-stop-then-batch" first="vm1" first-action="stop" then="batch" then-action="start"/>'
edit $u cibadmin --create -o constraints -X '
  <rsc_order id="batch-set-order">
    <resource_set id="batch-set-order-set" sequential="true">
      <resource_ref id="app"/>
      <resource_ref id="batch"/>
    </resource_set>
  </rsc_order>'
edit $u cibadmin --create -o constraints -X '<rsc_ticket id="batch-ticket" rsc="batch" ticket="site-a"/>'
simulate $u unsupported.xml
# web ran its probes and is then removed: its history is an orphan.
edit $u cibadmin --delete -o constraints -X '<rsc_order id="legacy-score-order"/>'
edit $u cibadmin --delete -o constraints -X '<rsc_location id="web-not-on-node1"/>'
edit $u cibadmin --delete -o resources -X '<primitive id="web"/>'

cp basic.xml failures.xml migration.xml lost-node.xml unsupported.xml "$here/"
chmod 644 "$here"/*.xml
echo "fixtures written to $here"
