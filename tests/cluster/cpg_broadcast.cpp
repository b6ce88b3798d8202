// cpg_broadcast GROUP FILE... — joins a Corosync CPG group and broadcasts each file's bytes as
// one message, as any process on a cluster node could. The three-node test uses it to send
// what a broken or hostile member might (tests/cluster/three_nodes.py, scenario 8).
#include <corosync/cpg.h>
#include <sys/uio.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace {

int fail(const char* what, cs_error_t e) {
  std::fprintf(stderr, "cpg_broadcast: %s failed: error %d\n", what, static_cast<int>(e));
  return 1;
}

// Nothing is dispatched, so the callbacks never run; corosync requires them to exist.
void on_deliver(cpg_handle_t, const cpg_name*, uint32_t, uint32_t, void*, size_t) {}
void on_confchg(cpg_handle_t, const cpg_name*, const cpg_address*, size_t, const cpg_address*, size_t,
                const cpg_address*, size_t) {}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cpg_broadcast GROUP FILE...\n");
    return 2;
  }
  cpg_name group{};
  group.length = static_cast<uint32_t>(std::strlen(argv[1]));
  if (group.length >= CPG_MAX_NAME_LENGTH) {
    std::fprintf(stderr, "cpg_broadcast: group name too long\n");
    return 2;
  }
  std::memcpy(group.value, argv[1], group.length);

  cpg_callbacks_t callbacks{};
  callbacks.cpg_deliver_fn = &on_deliver;
  callbacks.cpg_confchg_fn = &on_confchg;
  cpg_handle_t handle = 0;
  if (cs_error_t e = cpg_initialize(&handle, &callbacks); e != CS_OK) return fail("cpg_initialize", e);
  if (cs_error_t e = cpg_join(handle, &group); e != CS_OK) return fail("cpg_join", e);

  int status = 0;
  for (int i = 2; i < argc && status == 0; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cpg_broadcast: cannot read %s\n", argv[i]);
      status = 2;
      break;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    iovec iov{bytes.data(), bytes.size()};
    cs_error_t e = CS_ERR_TRY_AGAIN;
    // Corosync's send queue may be full for a moment: bounded retries, then give up.
    for (int attempt = 0; attempt < 500 && e == CS_ERR_TRY_AGAIN; ++attempt) {
      e = cpg_mcast_joined(handle, CPG_TYPE_AGREED, &iov, 1);
      if (e == CS_ERR_TRY_AGAIN) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (e != CS_OK) status = fail(argv[i], e);
  }
  cpg_leave(handle, &group);
  cpg_finalize(handle);
  return status;
}
