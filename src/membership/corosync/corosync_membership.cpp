#include <wholesale_ha/corosync/membership.hpp>

#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <set>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "../envelope.hpp"

namespace wholesale_ha::membership {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string cs_error(cs_error_t e) { return fmt::format("corosync error {}", static_cast<int>(e)); }

/// Node names from corosync's nodelist (nodelist.node.N.nodeid / .name).
std::map<std::uint32_t, std::string> read_nodelist(std::string& error) {
  std::map<std::uint32_t, std::string> out;
  cmap_handle_t cmap = 0;
  if (auto e = cmap_initialize(&cmap); e != CS_OK) {
    error = "cmap: " + cs_error(e);
    return out;
  }
  for (unsigned i = 0; i < 1024; ++i) {
    std::uint32_t id = 0;
    char* name = nullptr;
    const auto prefix = fmt::format("nodelist.node.{}.", i);
    if (cmap_get_uint32(cmap, (prefix + "nodeid").c_str(), &id) != CS_OK) break;
    if (cmap_get_string(cmap, (prefix + "name").c_str(), &name) != CS_OK &&
        cmap_get_string(cmap, (prefix + "ring0_addr").c_str(), &name) != CS_OK) {
      continue;
    }
    out[id] = name;
    std::free(name);
  }
  cmap_finalize(cmap);
  return out;
}

}  // namespace

struct CorosyncMembership::Impl {
  Impl(CorosyncMembership& owner, asio::any_io_executor e, CorosyncOptions o, Logger l)
      : self(owner), ex(std::move(e)), options(std::move(o)), log(std::move(l)), cpg_fd(ex), quorum_fd(ex),
        retry(ex), flush_timer(ex) {}

  CorosyncMembership& self;
  asio::any_io_executor ex;
  CorosyncOptions options;
  Logger log;
  cpg_handle_t cpg = 0;
  quorum_handle_t quorum = 0;
  asio::posix::stream_descriptor cpg_fd;
  asio::posix::stream_descriptor quorum_fd;
  asio::steady_timer retry;
  asio::steady_timer flush_timer;
  std::chrono::milliseconds backoff{0};
  bool connected = false;
  bool stopping = false;

  std::uint32_t local_id = 0;
  std::map<std::uint32_t, std::string> names;
  std::set<std::uint32_t> members;  ///< the CPG group right now
  std::set<std::uint32_t> ever_seen;
  bool quorate = false;
  std::uint64_t view_id = 0;
  std::set<std::string> version_warned;
  std::deque<std::string> outbox;  ///< serialized {type, body}, to go out in order
  bool flush_scheduled = false;
  /// What a batch adds around its messages: {"v":N,"from":"<name>","batch":[...]}.
  static constexpr std::size_t kEnvelopeBytes = 256;

  [[nodiscard]] std::string name_of(std::uint32_t id) const {
    auto it = names.find(id);
    return it == names.end() ? fmt::format("node{}", id) : it->second;
  }

  [[nodiscard]] View make_view() const {
    View v;
    v.id = view_id;
    v.quorate = connected && quorate;
    for (const auto& [id, name] : names) {
      model::NodeState s = model::NodeState::unclean;  // not in the group: lost or never seen
      if (members.contains(id)) s = model::NodeState::online;
      v.nodes.push_back({name, s});
    }
    // The coordinator: the lowest node id among the online members of a quorate partition.
    if (v.quorate && !members.empty()) v.coordinator = name_of(*members.begin());
    return v;
  }

  void changed() {
    ++view_id;
    // Emitted at once, not posted: a view must reach the controller before the messages
    // that corosync delivers after it (virtual synchrony), and those are emitted at once.
    self.on_view_changed.emit(make_view());
  }

  // --- connection ----------------------------------------------------------------------------

  void connect() {
    if (stopping) return;
    std::string problem;
    if (!try_connect(problem)) {
      disconnect();
      backoff = backoff.count() == 0 ? options.reconnect_min : std::min(backoff * 2, options.reconnect_max);
      log.warn("cannot connect to corosync ({}); retrying in {}ms", problem, backoff.count());
      retry.expires_after(backoff);
      retry.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) connect();
      });
      return;
    }
    backoff = 0ms;
    connected = true;
    log.info("connected to corosync as node {} ({}), group {}", local_id, name_of(local_id), options.group);
    changed();
    watch(cpg_fd, [this] { return cpg_dispatch(cpg, CS_DISPATCH_ALL); });
    watch(quorum_fd, [this] { return quorum_dispatch(quorum, CS_DISPATCH_ALL); });
    flush();
  }

  bool try_connect(std::string& problem) {
    names = options.node_names;
    if (names.empty()) {
      names = read_nodelist(problem);
      if (names.empty()) {
        if (problem.empty()) problem = "corosync's nodelist is empty";
        return false;
      }
    }
    static cpg_model_v1_data_t model = {
        .model = CPG_MODEL_V1,
        .cpg_deliver_fn = &Impl::on_deliver,
        .cpg_confchg_fn = &Impl::on_confchg,
        .cpg_totem_confchg_fn = nullptr,
        .flags = 0,
    };
    if (auto e = cpg_model_initialize(&cpg, CPG_MODEL_V1, reinterpret_cast<cpg_model_data_t*>(&model), this);
        e != CS_OK) {
      problem = "cpg: " + cs_error(e);
      cpg = 0;
      return false;
    }
    cpg_name group{};
    group.length = static_cast<uint32_t>(std::min(options.group.size(), sizeof group.value));
    std::memcpy(group.value, options.group.data(), group.length);
    cs_error_t e = CS_OK;
    for (int attempt = 0; attempt < 50 && (e = cpg_join(cpg, &group)) == CS_ERR_TRY_AGAIN; ++attempt) {
      ::usleep(20'000);  // corosync asks us to come back shortly; bounded (about 1 s)
    }
    if (e != CS_OK) {
      problem = "cpg_join: " + cs_error(e);
      return false;
    }
    unsigned int id = 0;
    cpg_local_get(cpg, &id);
    local_id = id;
    static quorum_model_v1_data_t qmodel = {
        .model = QUORUM_MODEL_V1,
        .quorum_notify_fn = &Impl::on_quorum,
        .nodelist_notify_fn = nullptr,
    };
    uint32_t quorum_type = 0;
    if (auto qe = quorum_model_initialize(&quorum, QUORUM_MODEL_V1, reinterpret_cast<quorum_model_data_t*>(&qmodel),
                                          &quorum_type, this);
        qe != CS_OK) {
      problem = "quorum: " + cs_error(qe);
      quorum = 0;
      return false;
    }
    if (auto qe = quorum_trackstart(quorum, CS_TRACK_CURRENT | CS_TRACK_CHANGES); qe != CS_OK) {
      problem = "quorum_trackstart: " + cs_error(qe);
      return false;
    }
    int fd = -1;
    cpg_fd_get(cpg, &fd);
    cpg_fd.assign(fd);
    quorum_fd_get(quorum, &fd);
    quorum_fd.assign(fd);
    return true;
  }

  /// Waits for `fd` to be readable, dispatches, and keeps going; a dispatch error means
  /// corosync went away: reconnect.
  template <class Dispatch>
  void watch(asio::posix::stream_descriptor& fd, Dispatch dispatch) {
    fd.async_wait(asio::posix::stream_descriptor::wait_read,
                  [this, &fd, dispatch](const boost::system::error_code& ec) {
                    if (ec || !connected) return;
                    if (auto e = dispatch(); e != CS_OK && e != CS_ERR_TRY_AGAIN) {
                      log.error("lost corosync ({}); reconnecting", cs_error(e));
                      disconnect();
                      changed();
                      connect();
                      return;
                    }
                    watch(fd, dispatch);
                  });
  }

  void disconnect() {
    connected = false;
    members.clear();
    quorate = false;
    // The descriptors belong to the corosync libraries: release, never close them ourselves.
    boost::system::error_code ignored;
    if (cpg_fd.is_open()) {
      cpg_fd.cancel(ignored);
      cpg_fd.release();
    }
    if (quorum_fd.is_open()) {
      quorum_fd.cancel(ignored);
      quorum_fd.release();
    }
    if (cpg != 0) cpg_finalize(cpg);
    if (quorum != 0) quorum_finalize(quorum);
    cpg = 0;
    quorum = 0;
  }

  // --- messages ------------------------------------------------------------------------------

  Result<void> send(const std::string& type, const nlohmann::json& body) {
    std::string item = nlohmann::json{{"type", type}, {"body", body}}.dump();
    if (item.size() + kEnvelopeBytes > options.max_message_bytes) {
      return Diagnostic::error(Errc::too_large, "",
                               fmt::format("a \"{}\" message of {} bytes is larger than the limit of {}", type,
                                           item.size() + kEnvelopeBytes, options.max_message_bytes));
    }
    if (!connected) return Diagnostic::error(Errc::unavailable, "", "not connected to corosync");
    outbox.push_back(std::move(item));
    schedule_flush(0ms);
    return {};
  }

  // Messages produced by one burst of work (a transition's results, a sync round) leave as one
  // CPG message: corosync's per-message cost (an IPC round trip, a totem slot) is paid once.
  void schedule_flush(std::chrono::milliseconds delay) {
    if (flush_scheduled) return;
    flush_scheduled = true;
    flush_timer.expires_after(delay);
    flush_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // only the destructor cancels
      flush_scheduled = false;
      flush();
    });
  }

  void flush() {
    while (connected && !outbox.empty()) {
      std::string batch = fmt::format(R"({{"v":{},"from":{},"batch":[)", kMessageFormatVersion,
                                      nlohmann::json(name_of(local_id)).dump());
      std::size_t items = 0;
      while (items < outbox.size() && (items == 0 || batch.size() + outbox[items].size() + 2 <= options.max_message_bytes)) {
        if (items > 0) batch += ',';
        batch += outbox[items++];
      }
      batch += "]}";
      iovec iov{batch.data(), batch.size()};
      cs_error_t e = cpg_mcast_joined(cpg, CPG_TYPE_AGREED, &iov, 1);
      if (e == CS_ERR_TRY_AGAIN) {
        // Corosync's send queue is full: try again shortly, keeping the order.
        return schedule_flush(10ms);
      }
      if (e != CS_OK) log.error("broadcast of {} message(s) dropped: {}", items, cs_error(e));
      outbox.erase(outbox.begin(), outbox.begin() + static_cast<std::ptrdiff_t>(items));
    }
  }

  // Runs inside cpg_dispatch: nothing may throw out of it, or every node that received the
  // same bad message would end at once.
  void deliver(std::uint32_t nodeid, const void* data, std::size_t size) noexcept {
    const std::string sender = name_of(nodeid);
    try {
      auto decoded = decode_envelope(std::string_view(static_cast<const char*>(data), size), kMessageFormatVersion);
      if (!decoded.error.empty()) {
        if (decoded.version_mismatch && !version_warned.insert(sender).second) return;
        log.error("ignoring a message from {}: {}", sender, decoded.error);
        return;
      }
      for (auto& item : decoded.items) self.on_message.emit(Message{sender, std::move(item.type), std::move(item.body)});
    } catch (const std::exception& e) {
      log.error("a message from {} could not be handled: {}", sender, e.what());
    }
  }

  // --- C callbacks (run inside cpg_dispatch / quorum_dispatch, i.e. on our executor) -----------

  static Impl* from(cpg_handle_t h) {
    void* ctx = nullptr;
    cpg_context_get(h, &ctx);
    return static_cast<Impl*>(ctx);
  }

  static void on_deliver(cpg_handle_t h, const cpg_name*, uint32_t nodeid, uint32_t, void* msg, size_t len) {
    from(h)->deliver(nodeid, msg, len);
  }

  static void on_confchg(cpg_handle_t h, const cpg_name*, const cpg_address* member_list, size_t member_count,
                         const cpg_address*, size_t, const cpg_address*, size_t) {
    Impl* self = from(h);
    self->members.clear();
    for (std::size_t i = 0; i < member_count; ++i) {
      self->members.insert(member_list[i].nodeid);
      self->ever_seen.insert(member_list[i].nodeid);
    }
    self->changed();
  }

  static void on_quorum(quorum_handle_t h, uint32_t quorate, quorum_ring_id, uint32_t, const uint32_t*) {
    const void* ctx = nullptr;
    quorum_context_get(h, &ctx);
    Impl* self = const_cast<Impl*>(static_cast<const Impl*>(ctx));
    if (self->quorate == (quorate != 0)) return;
    self->quorate = quorate != 0;
    self->log.info("quorum {}", self->quorate ? "gained" : "LOST");
    self->changed();
  }
};

CorosyncMembership::CorosyncMembership(asio::any_io_executor executor, CorosyncOptions options, Logger logger)
    : impl_(std::make_unique<Impl>(*this, std::move(executor), std::move(options), logger.child("corosync"))) {}

CorosyncMembership::~CorosyncMembership() {
  impl_->stopping = true;
  impl_->retry.cancel();
  impl_->flush_timer.cancel();
  impl_->disconnect();
}

void CorosyncMembership::start() {
  asio::post(impl_->ex, [impl = impl_.get()] { impl->connect(); });
}

View CorosyncMembership::view() const { return impl_->make_view(); }
std::string CorosyncMembership::local_node() const { return impl_->name_of(impl_->local_id); }
bool CorosyncMembership::connected() const { return impl_->connected; }
std::uint32_t CorosyncMembership::local_nodeid() const { return impl_->local_id; }

Result<void> CorosyncMembership::broadcast(const std::string& type, const nlohmann::json& body) {
  return impl_->send(type, body);
}

}  // namespace wholesale_ha::membership
