// checkpoint_counter: a tiny stateful program that cooperates with the checkpoint backend.
//
//   checkpoint_counter --log FILE --state-dir DIR [--restore DIR]
//
// It counts up every 20 ms and appends each value to FILE. On SIGUSR1 it writes its count to
// DIR/counter.state (atomically) and exits 0: that is its checkpoint. Started with --restore
// it continues from the saved count, so a "migration" loses and repeats nothing.

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_checkpoint{false};

void on_signal(int) { g_checkpoint = true; }

long read_state(const std::string& dir) {
  std::ifstream in{dir + "/counter.state"};
  long value = -1;
  in >> value;
  return value;
}

bool write_state(const std::string& dir, long value) {
  const std::string tmp = dir + "/counter.state.tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << value << "\n";
    out.flush();
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), (dir + "/counter.state").c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string log;
  std::string state_dir;
  std::string restore;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--log") log = argv[i + 1];
    else if (flag == "--state-dir") state_dir = argv[i + 1];
    else if (flag == "--restore") restore = argv[i + 1];
  }
  if (log.empty() || state_dir.empty()) {
    std::fprintf(stderr, "usage: %s --log FILE --state-dir DIR [--restore DIR]\n", argv[0]);
    return 2;
  }
  long count = 0;
  if (!restore.empty()) {
    count = read_state(restore);
    if (count < 0) {
      std::fprintf(stderr, "no checkpoint in %s\n", restore.c_str());
      return 1;
    }
  }
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGUSR1, &action, nullptr);

  std::ofstream out{log, std::ios::app};
  while (!g_checkpoint) {
    out << ++count << "\n" << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  if (!write_state(state_dir, count)) {
    std::fprintf(stderr, "cannot write the checkpoint into %s: %s\n", state_dir.c_str(), std::strerror(errno));
    return 1;
  }
  return 0;
}
