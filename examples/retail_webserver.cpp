// HA at retail in one page: keep a web server up on a two-node in-process cluster, kill it
// once, watch the library notice and restart it, then stop it and exit.
#include <signal.h>

#include <fstream>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <wholesale_ha/agents/process.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/policy/transition.hpp>

using namespace wholesale_ha;

int main() {
  boost::asio::io_context io;
  const std::string pid_file = "/tmp/wha-retail-web.pid";

  model::Config config;
  config.nodes = {{"n1", "n1", false, false, {}, {}}, {"n2", "n2", false, false, {}, {}}};
  model::Resource web;
  web.id = "web";
  web.backend = "process";
  web.params = {{"command", "sh -c 'echo $$ > " + pid_file + "; exec python3 -m http.server 8765 --bind 127.0.0.1'"},
                {"check_http", "http://127.0.0.1:8765/"}};
  web.operations.monitor.interval = std::chrono::seconds{1};
  config.resources.push_back(web);

  agents::Registry registry;
  registry.add("process", agents::make_process_backend());
  auto membership = std::make_shared<membership::InProcessMembership>(io.get_executor(),
                                                                     std::vector<std::string>{"n1", "n2"});
  Controller controller{io.get_executor(), config, membership, registry};

  int phase = 0;  // 0: starting, 1: killed once, 2: recovered, 3: stopping
  ScopedConnection printed = controller.on_action_finished.subscribe([](const executor::ActionResult& r) {
    std::cout << "  " << policy::describe(r.action) << ": " << (r.result.ok() ? "ok" : r.result.reason) << "\n";
  });
  ScopedConnection failed = controller.on_resource_failed.subscribe([](const ResourceFailure& f) {
    std::cout << "  FAILURE noticed by " << f.operation << ": " << f.result.reason << "\n";
  });
  ScopedConnection idle = controller.on_idle.subscribe([&] {
    if (phase == 0) {
      std::ifstream in{pid_file};
      pid_t pid = 0;
      in >> pid;
      std::cout << "web is up (pid " << pid << "); killing it with SIGKILL\n";
      ::kill(pid, SIGKILL);
      phase = 1;
    } else if (phase == 1) {
      std::cout << "recovered; stopping web and exiting\n";
      if (auto stopping = controller.set_target_role("web", model::TargetRole::stopped); !stopping) {
        std::cerr << stopping.to_string() << "\n";
      }
      phase = 2;
    } else if (phase == 2) {
      controller.stop([&] { io.stop(); });
      phase = 3;
    }
  });
  controller.start();
  io.run();
  std::remove(pid_file.c_str());
  return phase == 3 ? 0 : 1;
}
