#include "cluster_files.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "md5.hpp"

namespace wha_bench {

std::string compare_node(int index) { return "node" + std::to_string(index + 1); }
std::string compare_vm(int index) { return "vm" + std::to_string(index + 1); }

int red_node_index(const CompareShape& shape) { return shape.nodes >= 3 ? 2 : 0; }

std::vector<std::string> red_node_vms(const CompareShape& shape) {
  std::vector<std::string> out;
  for (int r = red_node_index(shape); r < shape.resources; r += shape.nodes) {
    out.push_back(compare_vm(r));
  }
  return out;
}

std::string operation_digest(const std::vector<std::pair<std::string, std::string>>& params) {
  auto sorted = params;
  std::sort(sorted.begin(), sorted.end());
  std::string xml = " <parameters";
  for (const auto& [name, value] : sorted) xml += fmt::format(" {}=\"{}\"", name, value);
  xml += "/>\n";
  return md5_hex(xml);
}

namespace {

// Transition keys name the transition that ran the operation: "action:transition:rc:uuid".
constexpr const char* kUuid = "6b1e2c6e-4e0c-4b8e-9d3a-5f0c1a2b3c4d";

void append_op(std::string& out, const std::string& vm, const std::string& node, bool started,
               int call_id, const std::string& digest) {
  const int rc = started ? 0 : 7;
  const char* op = started ? "start" : "monitor";
  fmt::format_to(
      std::back_inserter(out),
      R"(          <lrm_resource id="{0}" class="ocf" provider="pacemaker" type="Dummy">
            <lrm_rsc_op id="{0}_last_0" operation_key="{0}_{1}_0" operation="{1}" crm-debug-origin="do_update_resource" crm_feature_set="3.16.1" transition-key="{2}:1:{3}:{4}" transition-magic="0:{3};{2}:1:{3}:{4}" exit-reason="" on_node="{5}" call-id="{2}" rc-code="{3}" op-status="0" interval="0" last-rc-change="{6}" exec-time="12" queue-time="0" op-digest="{7}"/>
          </lrm_resource>
)",
      vm, op, call_id, rc, kUuid, node, kCompareNow - 3600, digest);
}

}  // namespace

std::string make_compare_cib(const CompareShape& shape) {
  std::string out;
  const auto per_entry = shape.probe_history ? static_cast<std::size_t>(shape.nodes) : 1U;
  out.reserve(4096 + static_cast<std::size_t>(shape.resources) * (420 + 560 * per_entry));
  fmt::format_to(std::back_inserter(out),
                 R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="{}" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1" execution-date="{}">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="cib-bootstrap-options-node-health-strategy" name="node-health-strategy" value="migrate-on-red"/>
        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="bench"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
)",
                 shape.resources + 10, kCompareNow);
  for (int n = 0; n < shape.nodes; ++n) {
    fmt::format_to(std::back_inserter(out), "      <node id=\"{}\" uname=\"{}\"/>\n", n + 1,
                   compare_node(n));
  }
  out += "    </nodes>\n    <resources>\n";
  for (int r = 0; r < shape.resources; ++r) {
    fmt::format_to(std::back_inserter(out),
                   R"(      <primitive id="{0}" class="ocf" provider="pacemaker" type="Dummy">
        <instance_attributes id="{0}-instance_attributes">
          <nvpair id="{0}-instance_attributes-fake" name="fake" value="{0}"/>
        </instance_attributes>
      </primitive>
)",
                   compare_vm(r));
  }
  out += R"(    </resources>
    <constraints/>
    <rsc_defaults>
      <meta_attributes id="rsc-options">
        <nvpair id="rsc-options-resource-stickiness" name="resource-stickiness" value="100"/>
        <nvpair id="rsc-options-allow-migrate" name="allow-migrate" value="true"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status>
)";
  const int red = red_node_index(shape);
  for (int n = 0; n < shape.nodes; ++n) {
    const auto node = compare_node(n);
    fmt::format_to(std::back_inserter(out),
                   "    <node_state id=\"{0}\" uname=\"{1}\" in_ccm=\"true\" crmd=\"online\" "
                   "crm-debug-origin=\"do_update_resource\" join=\"member\" expected=\"member\">\n",
                   n + 1, node);
    if (n == red) {
      fmt::format_to(std::back_inserter(out),
                     R"(      <transient_attributes id="{0}">
        <instance_attributes id="status-{0}">
          <nvpair id="status-{0}-.health-disk" name="#health-disk" value="red"/>
        </instance_attributes>
      </transient_attributes>
)",
                     n + 1);
    }
    fmt::format_to(std::back_inserter(out), "      <lrm id=\"{}\">\n        <lrm_resources>\n",
                   n + 1);
    int call_id = 1;
    for (int r = 0; r < shape.resources; ++r) {
      const bool here = r % shape.nodes == n;
      if (!here && !shape.probe_history) continue;
      const auto vm = compare_vm(r);
      append_op(out, vm, node, here, call_id++, operation_digest({{"fake", vm}}));
    }
    out += "        </lrm_resources>\n      </lrm>\n    </node_state>\n";
  }
  out += "  </status>\n</cib>\n";
  return out;
}

std::string make_compare_json(const CompareShape& shape) {
  std::string out;
  out.reserve(512 + static_cast<std::size_t>(shape.nodes) * 32 +
              static_cast<std::size_t>(shape.resources) * 160);
  out += R"({"version":1,"options":{"cluster_name":"bench","stonith_enabled":false,)"
         R"("health":{"strategy":"migrate-on-red"},)"
         R"("resource_defaults":{"allow_migrate":true,"stickiness":100}},"nodes":[)";
  for (int n = 0; n < shape.nodes; ++n) {
    fmt::format_to(std::back_inserter(out), R"({}{{"id":"{}"}})", n ? "," : "", compare_node(n));
  }
  out += R"(],"resources":[)";
  for (int r = 0; r < shape.resources; ++r) {
    fmt::format_to(std::back_inserter(out),
                   R"({0}{{"id":"{1}","backend":"ocf","type":"pacemaker:Dummy","params":{{"fake":"{1}"}}}})"
                   "\n",
                   r ? "," : "", compare_vm(r));
  }
  fmt::format_to(std::back_inserter(out),
                 R"(],"status":{{"now":{},"nodes":{{"{}":{{"attributes":{{"#health-disk":"red"}}}}}},"resources":[)",
                 kCompareNow, compare_node(red_node_index(shape)));
  for (int r = 0; r < shape.resources; ++r) {
    fmt::format_to(std::back_inserter(out), R"({}{{"resource":"{}","node":"{}"}})", r ? "," : "",
                   compare_vm(r), compare_node(r % shape.nodes));
  }
  out += "]}}\n";
  return out;
}

}  // namespace wha_bench
