#include "shutdown_kind.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace wha_node {

using wholesale_ha::model::ShutdownKind;

ShutdownKind shutdown_kind_from_jobs(std::string_view jobs) {
  for (std::size_t begin = 0; begin < jobs.size();) {
    auto end = jobs.find('\n', begin);
    if (end == std::string_view::npos) end = jobs.size();
    const auto line = jobs.substr(begin, end - begin);
    // "<id> <unit> <type> <state>": the target must be a whole word, not part of a name.
    for (std::string_view unit : {"reboot.target", "kexec.target"}) {
      const auto at = line.find(unit);
      const bool whole_word = at != std::string_view::npos && (at == 0 || line[at - 1] == ' ') &&
                              (at + unit.size() == line.size() || line[at + unit.size()] == ' ');
      if (whole_word) return ShutdownKind::reboot;
    }
    begin = end + 1;
  }
  return ShutdownKind::poweroff;
}

ShutdownKind detect_shutdown_kind() {
  FILE* p = ::popen("timeout 2 systemctl list-jobs --no-legend --plain --no-pager 2>/dev/null", "r");
  if (p == nullptr) return ShutdownKind::poweroff;
  std::string jobs;
  std::array<char, 4096> buffer{};
  // systemd's job list is short; the cap keeps a misbehaving systemctl from holding us.
  while (jobs.size() < (1U << 20)) {
    const auto n = std::fread(buffer.data(), 1, buffer.size(), p);
    if (n == 0) break;
    jobs.append(buffer.data(), n);
  }
  ::pclose(p);
  return shutdown_kind_from_jobs(jobs);
}

}  // namespace wha_node
