#include "peer_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "caller_identity.hpp"
#include "grpc_code.hpp"
#include "grpc_options.hpp"
#include "listener_watchdog.hpp"
#include "rate_limiter.hpp"
#include "store_limits.hpp"
#include "grpc_status.hpp"
#include "message_authorization.hpp"
#include "peer_identity.hpp"
#include "safe_name.hpp"
#include "store_receiver.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/wire/chord_codec.hpp"
#include "zonal/hash.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::node {
namespace {

constexpr auto deliver_wait = std::chrono::milliseconds(2000);

wire::Arrival to_wire(Arrival a) {
  switch (a) {
    case Arrival::fresh: return wire::ARRIVAL_FRESH;
    case Arrival::duplicate: return wire::ARRIVAL_DUPLICATE;
    case Arrival::dropped: return wire::ARRIVAL_DROPPED;
    case Arrival::revisit: return wire::ARRIVAL_REVISIT;
    case Arrival::accepted: break;
  }
  return wire::ARRIVAL_ACCEPTED;
}

void fill_entry(const SharedFile& f, wire::FileEntry* e) {
  e->set_name(f.name);
  e->set_key(f.key);
  e->set_size(f.size);
  e->set_sha256(std::string(reinterpret_cast<const char*>(f.sha256.data()), f.sha256.size()));
}

/// Sleeps so that `sent` bytes after `start` do not exceed `rate` bytes per second (0 = no limit).
void pace(std::uint64_t rate, std::uint64_t sent, std::chrono::steady_clock::time_point start) {
  if (rate == 0) return;
  const auto due = start + std::chrono::microseconds(sent * 1'000'000 / rate);
  std::this_thread::sleep_until(due);
}

/// Counts a running stream for as long as it lives.
struct ActiveCount {
  explicit ActiveCount(std::atomic<int>& c) : count(c) { ++count; }
  ~ActiveCount() { --count; }
  std::atomic<int>& count;
};

class PeerService final : public wire::Peer::Service {
 public:
  PeerService(const NodeConfig& c, SharedDir& f, EventSink& e, NodeMetrics& m, const AddressBook& b)
      : m_config(c),
        m_files(f),
        m_events(e),
        m_metrics(m),
        m_book(b),
        m_messages(c.limits.messages_per_s, c.limits.messages_burst),
        m_searches(c.limits.searches_per_s, c.limits.searches_burst),
        m_store_limits(StoreLimitsConfig{c.limits.store_uploads_max, c.limits.store_quota_bytes,
                                         std::chrono::milliseconds(c.limits.store_deadline_ms),
                                         std::chrono::milliseconds(c.limits.store_idle_ms)}) {}

  /// Refusal counters for status pages.
  PeerServerCounters counters() const {
    const StoreLimitsCounters st = m_store_limits.counters();
    PeerRuntime* runtime = m_runtime.load();
    return {m_messages.refused(), m_searches.refused(), m_backlog_refused.load(),
            runtime ? runtime->abandoned() : 0, runtime ? runtime->backlog() : 0,
            st.running, st.refused_busy, st.refused_quota, st.cancelled};
  }

  /// Charge one message (and, for a query copy, one search) to `from`; an error status when over its rate.
  std::optional<grpc::Status> over_rate(grpc::ServerContext* ctx, PeerId claimed_from, bool search) {
    const PeerId key = rate_limit_key(*ctx, claimed_from);
    if (!m_messages.allow(key))
      return grpc::Status{grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit: peer " + std::to_string(key) + " sends more than " +
                                                                     std::to_string(static_cast<std::uint64_t>(m_config.limits.messages_per_s)) + " messages/s (limits.messages_per_s)"};
    if (search && !m_searches.allow(key))
      return grpc::Status{grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit: peer " + std::to_string(key) + " sends more than " +
                                                                     std::to_string(static_cast<std::uint64_t>(m_config.limits.searches_per_s)) + " queries/s (limits.searches_per_s)"};
    return std::nullopt;
  }

  /// An error status when the protocol thread is too far behind to take another message.
  std::optional<grpc::Status> backlogged(std::size_t backlog) {
    if (backlog < m_config.limits.deliver_queue_max) return std::nullopt;
    ++m_backlog_refused;
    return grpc::Status{grpc::StatusCode::RESOURCE_EXHAUSTED, "overloaded: " + std::to_string(backlog) +
                                                                  " messages wait for the protocol thread (limits.deliver_queue_max)"};
  }

  void attach(PeerRuntime& runtime, PeerId self) {
    m_self = self;
    m_runtime.store(&runtime);
  }

  grpc::Status deliver_impl(grpc::ServerContext* ctx, const wire::Envelope* req, wire::Ack* reply) {
    const auto decoded = wire::decode(*req);
    if (!decoded) return decode_failure(decoded.error);
    const PeerId from = decoded.value->from;
    return take(ctx, from, decoded.value->msg, "from", message_refusal(from, decoded.value->msg), m_runtime.load(),
                "node is starting: not registered yet", reply);
  }

  void attach_chord(ChordRuntime& chord) { m_chord.store(&chord); }

  grpc::Status chord_impl(grpc::ServerContext* ctx, const wire::ChordEnvelope* req, wire::Ack* reply) {
    if (!m_config.chord.enabled) return {grpc::StatusCode::FAILED_PRECONDITION, "chord is not enabled on this node (chord.enabled false)"};
    const auto decoded = wire::decode_chord(*req, m_config.chord.core.id_bits);
    if (!decoded) return decode_failure(decoded.error);
    const PeerId from = decoded.value->from;
    const auto is_member = [this](PeerId p) { return p == m_self.load() || m_book.find(p).has_value(); };
    return take(ctx, from, decoded.value->msg, "chord_envelope.from", chord_message_refusal(from, decoded.value->msg, is_member),
                m_chord.load(), "node is starting: not on the ring yet", reply);
  }

  /// The status of an envelope that did not decode: too large, or malformed.
  static grpc::Status decode_failure(const std::string& error) {
    const bool oversized = error.rfind("message too large", 0) == 0;
    return {oversized ? grpc::StatusCode::RESOURCE_EXHAUSTED : grpc::StatusCode::INVALID_ARGUMENT, error};
  }

  /// The shared path of Peer.Deliver (zonal::Message to the PeerRuntime) and Peer.Chord
  /// (ChordMessage to the ChordRuntime) once the envelope decoded: the caller must act as
  /// `from` (`from_field` names it in errors), `refusal` (the authorization check) must be
  /// empty, the runtime must be up (`not_ready` otherwise) and the sender within its rates (and,
  /// for Deliver, the protocol thread's backlog within limits); then the runtime takes it.
  template <class Runtime, class Msg>
  grpc::Status take(grpc::ServerContext* ctx, PeerId from, const Msg& msg, const char* from_field, std::optional<std::string> refusal,
                    Runtime* runtime, const char* not_ready, wire::Ack* reply) {
    constexpr bool deliver = std::is_same_v<Msg, Message>;
    if (auto denied = check_acts_as(caller_of(*ctx), from, from_field)) return *denied;
    if (refusal) return permission_denied(*refusal);
    m_metrics.in(msg).inc();
    if (runtime == nullptr) return {grpc::StatusCode::UNAVAILABLE, not_ready};
    bool search = false;
    if constexpr (deliver) search = std::holds_alternative<Query>(msg);
    if (auto refused = over_rate(ctx, from, search)) return *refused;
    if constexpr (deliver) {
      if (auto refused = backlogged(runtime->backlog())) return *refused;
    }
    const auto arrival = runtime->deliver(from, msg, deliver_wait);
    if (!arrival) return {grpc::StatusCode::UNAVAILABLE, "node is shutting down or overloaded"};
    if constexpr (deliver) {
      if (*arrival == Arrival::duplicate) m_metrics.duplicates.inc();
    }
    reply->set_arrival(to_wire(*arrival));
    return grpc::Status::OK;
  }

  grpc::Status ping_impl(grpc::ServerContext* ctx, const wire::PingRequest* req, wire::PingReply* reply) {
    if (req->from() > 0xFFFFFFFFull) return {grpc::StatusCode::INVALID_ARGUMENT, "from: exceeds the 32-bit id range"};
    if (auto denied = check_acts_as(caller_of(*ctx), req->from(), "from")) return *denied;
    PeerRuntime* runtime = m_runtime.load();
    if (runtime == nullptr) return {grpc::StatusCode::UNAVAILABLE, "node is starting: not registered yet"};
    const RuntimeState s = runtime->state();
    reply->set_peer_id(m_self.load());
    reply->set_nonce(req->nonce());
    reply->set_sent_us(req->sent_us());
    reply->set_zone(s.zone);
    reply->set_epoch(s.epoch);
    return grpc::Status::OK;
  }

  grpc::Status file_info_impl(grpc::ServerContext*, const wire::FileInfoRequest* req, wire::FileEntry* reply) {
    if (auto p = file_name_problem(req->name())) return {grpc::StatusCode::INVALID_ARGUMENT, *p};
    const auto f = m_files.find(req->name());
    if (!f) return {grpc::StatusCode::NOT_FOUND, "name: \"" + req->name() + "\" is not shared here"};
    fill_entry(*f, reply);
    return grpc::Status::OK;
  }

  grpc::Status list_files_impl(grpc::ServerContext*, const wire::ListFilesRequest*, wire::ListFilesReply* reply) {
    for (const auto& f : m_files.list()) fill_entry(f, reply->add_files());
    return grpc::Status::OK;
  }

  grpc::Status fetch_impl(grpc::ServerContext* ctx, const wire::FetchRequest* req, grpc::ServerWriter<wire::Chunk>* out) {
    if (auto p = file_name_problem(req->name())) return {grpc::StatusCode::INVALID_ARGUMENT, *p};
    const auto f = m_files.find(req->name());
    if (!f) return {grpc::StatusCode::NOT_FOUND, "name: \"" + req->name() + "\" is not shared here"};
    if (req->offset() > f->size)
      return {grpc::StatusCode::OUT_OF_RANGE, "offset: " + std::to_string(req->offset()) + " is beyond the file size " + std::to_string(f->size)};
    std::ifstream in(m_files.path_of(f->name), std::ios::binary);
    if (!in) return {grpc::StatusCode::INTERNAL, "cannot open \"" + f->name + "\""};
    ActiveCount active(m_uploads);
    in.seekg(static_cast<std::streamoff>(req->offset()));
    std::uint64_t offset = req->offset();
    const auto start = std::chrono::steady_clock::now();
    wire::Chunk chunk;
    do {
      if (ctx->IsCancelled()) return {grpc::StatusCode::CANCELLED, "fetch cancelled by the client"};
      const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(m_config.chunk_bytes, f->size - offset));
      chunk.Clear();
      std::string* data = chunk.mutable_data();
      data->resize(static_cast<std::size_t>(want));  // read straight into the message: no extra copy
      in.read(data->data(), want);
      if (in.gcount() != want) return {grpc::StatusCode::INTERNAL, "\"" + f->name + "\" shrank while being served"};
      chunk.set_offset(offset);
      offset += static_cast<std::uint64_t>(want);
      if (offset == f->size) {
        chunk.set_eof(true);
        chunk.set_sha256(std::string(reinterpret_cast<const char*>(f->sha256.data()), f->sha256.size()));
      }
      pace(m_config.upload_rate_bytes_per_s, offset - req->offset(), start);
      if (!out->Write(chunk)) return {grpc::StatusCode::CANCELLED, "client went away"};
      m_metrics.bytes_served.inc(static_cast<double>(want));
    } while (offset < f->size);
    return grpc::Status::OK;
  }

  grpc::Status store_impl(grpc::ServerContext* ctx, grpc::ServerReader<wire::StoreChunk>* in, wire::StoreReply* reply) {
    PeerRuntime* runtime = m_runtime.load();
    if (runtime == nullptr) return {grpc::StatusCode::UNAVAILABLE, "node is starting: not registered yet"};
    const Caller caller = caller_of(*ctx);
    if (auto denied = check_member(caller, "Store")) return *denied;
    if (caller.authenticated && !m_book.find(*caller.peer) && *caller.peer != m_self.load())
      return permission_denied("Store: " + caller.name + " is not a member of the directory");
    // The first message names the file: this node must be in the file's home zone (a copy goes
    // where searches for it look), checked before any byte is written.
    wire::StoreChunk first;
    bool have_first = in->Read(&first);
    if (have_first) {
      if (auto p = file_name_problem(first.name())) return {grpc::StatusCode::INVALID_ARGUMENT, *p};
      const RuntimeState state = runtime->state();
      const ZoneId home = state.zone_count == 0 ? no_zone : home_zone(file_key(first.name()), state.zone_count);
      if (state.zone == no_zone || home != state.zone)
        return permission_denied("Store: \"" + first.name() + "\" belongs to home zone " + std::to_string(home) +
                                 ", this node is in zone " + std::to_string(state.zone));
    }
    // Quotas are charged to the authenticated peer, else to the caller's host.
    const std::string quota_holder = caller.authenticated ? caller.name : quota_key(*ctx);
    std::unique_ptr<StoreLimits::Ticket> ticket;
    try {
      // The first message announces the size: admit the upload then (or refuse it); every later
      // chunk keeps the idle watchdog away.
      const auto read = [&](wire::StoreChunk& c) {
        if (have_first) {
          c = std::move(first);
          have_first = false;
        } else if (!in->Read(&c)) {
          return false;
        }
        if (ticket) {
          ticket->progress();
        } else if (c.size() <= m_config.store_bytes_max) {
          std::string why;
          bool over_quota = false;
          ticket = m_store_limits.admit(quota_holder, c.size(), [ctx] { ctx->TryCancel(); }, why, over_quota);
          if (!ticket) throw FileError(FileErrorKind::too_large, why);
        }
        return true;
      };
      const SharedFile f = receive_store(read, m_files, m_config.store_bytes_max);
      if (ticket) ticket->commit();
      runtime->share(f.key);
      if (ChordRuntime* chord = m_chord.load()) chord->store(f.key);
      m_events.publish("file.stored", {{"peer_id", m_self.load()}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}});
      m_events.publish("file.shared",
                       {{"peer_id", m_self.load()}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}, {"origin", "store"}});
      spdlog::info("stored \"{}\" ({} bytes) sent by a peer", f.name, f.size);
    } catch (const FileError& e) {
      if (ticket) {
        if (const std::string why = ticket->cancel_reason(); !why.empty()) {
          spdlog::warn("store of a file from {} cancelled: {}", quota_holder, why);
          return {grpc::StatusCode::DEADLINE_EXCEEDED, why};  // the client sees CANCELLED
        }
      }
      return to_status(e);
    }
    reply->set_peer_id(m_self.load());
    return grpc::Status::OK;
  }

  // The service's methods: each one's status is counted in zonal_grpc_errors_total when not OK.
  grpc::Status Deliver(grpc::ServerContext* ctx, const wire::Envelope* req, wire::Ack* reply) override { return counted("Peer/Deliver", deliver_impl(ctx, req, reply)); }
  grpc::Status Chord(grpc::ServerContext* ctx, const wire::ChordEnvelope* req, wire::Ack* reply) override { return counted("Peer/Chord", chord_impl(ctx, req, reply)); }
  grpc::Status Ping(grpc::ServerContext* ctx, const wire::PingRequest* req, wire::PingReply* reply) override { return counted("Peer/Ping", ping_impl(ctx, req, reply)); }
  grpc::Status FileInfo(grpc::ServerContext* ctx, const wire::FileInfoRequest* req, wire::FileEntry* reply) override { return counted("Peer/FileInfo", file_info_impl(ctx, req, reply)); }
  grpc::Status ListFiles(grpc::ServerContext* ctx, const wire::ListFilesRequest* req, wire::ListFilesReply* reply) override { return counted("Peer/ListFiles", list_files_impl(ctx, req, reply)); }
  grpc::Status Fetch(grpc::ServerContext* ctx, const wire::FetchRequest* req, grpc::ServerWriter<wire::Chunk>* out) override { return counted("Peer/Fetch", fetch_impl(ctx, req, out)); }
  grpc::Status Store(grpc::ServerContext* ctx, grpc::ServerReader<wire::StoreChunk>* in, wire::StoreReply* reply) override { return counted("Peer/Store", store_impl(ctx, in, reply)); }

 private:
  grpc::Status counted(const char* method, grpc::Status status) {
    if (!status.ok()) m_metrics.grpc_errors.with({"server", method, grpc_code_name(status.error_code())}).inc();
    return status;
  }

  const NodeConfig& m_config;
  SharedDir& m_files;
  EventSink& m_events;
  NodeMetrics& m_metrics;
  const AddressBook& m_book;
  std::atomic<PeerRuntime*> m_runtime{nullptr};
  std::atomic<ChordRuntime*> m_chord{nullptr};
  std::atomic<PeerId> m_self{no_peer};
  RateLimiter m_messages;
  RateLimiter m_searches;
  std::atomic<std::uint64_t> m_backlog_refused{0};
  StoreLimits m_store_limits;

 public:
  std::atomic<int> m_uploads{0};  ///< Fetch streams being served
};

}  // namespace

struct PeerServer::Impl {
  const NodeConfig& config;
  PeerService service;
  GrpcServerLimits limits;
  std::mutex server_mutex;  ///< guards server against the watchdog's restarts
  std::unique_ptr<grpc::Server> server;
  bool shut_down = false;  ///< guarded by server_mutex
  int port = 0;
  std::unique_ptr<ListenerWatchdog> watchdog;
  std::string self_name;  ///< this node's identity (the probe's TLS target name)
  Impl(const NodeConfig& c, SharedDir& f, EventSink& e, NodeMetrics& m, const AddressBook& b) : config(c), service(c, f, e, m, b) {
    limits.threads_max = static_cast<int>(c.limits.grpc_threads_max);
    limits.streams_max = static_cast<int>(c.limits.grpc_streams_max);
    limits.handshake_timeout_ms = static_cast<int>(c.limits.grpc_handshake_ms);
    limits.idle_connection_ms = static_cast<int>(c.limits.grpc_idle_ms);
  }

  /// A call on a fresh connection (its own subchannel) answered: the listener accepts.
  bool probe() const {
    std::string host = config.grpc_bind;
    if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    auto stub = wire::Peer::NewStub(make_channel(host + ":" + std::to_string(port), config.tls, self_name, true));
    grpc::ClientContext ctx;
    set_deadline(ctx, 3000);
    wire::FileInfoRequest req;  // an empty name: refused at once, touching nothing
    wire::FileEntry reply;
    const grpc::Status s = stub->FileInfo(&ctx, req, &reply);
    return s.error_code() != grpc::StatusCode::UNAVAILABLE && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED;
  }

  /// Stop the listener and serve again on the same port.
  bool restart() {
    std::lock_guard lock(server_mutex);
    if (shut_down) return true;
    stop_server(server);
    try {
      int bound = 0;
      server = start_server(service, config.grpc_bind, static_cast<std::uint16_t>(port), bound, config.tls, limits);
      return true;
    } catch (const std::exception& e) {
      spdlog::error("cannot restart the gRPC listener: {}", e.what());
      return false;
    }
  }
};

PeerServer::PeerServer(const NodeConfig& config, SharedDir& files, EventSink& events, NodeMetrics& metrics,
                       const AddressBook& book)
    : m_impl(std::make_unique<Impl>(config, files, events, metrics, book)) {
  m_impl->server = start_server(m_impl->service, config.grpc_bind, config.grpc_port, m_impl->port, config.tls, m_impl->limits);
}

void PeerServer::watch(std::chrono::milliseconds period, std::string self_name, std::function<void()> give_up) {
  Impl* impl = m_impl.get();
  impl->self_name = std::move(self_name);
  m_impl->watchdog = std::make_unique<ListenerWatchdog>(
      ListenerWatchdog::Hooks{[impl] { return impl->probe(); }, [impl] { return impl->restart(); }, std::move(give_up)}, period);
}

std::uint64_t PeerServer::listener_restarts() const { return m_impl->watchdog ? m_impl->watchdog->restarts() : 0; }

PeerServer::~PeerServer() { shutdown(); }

std::uint16_t PeerServer::port() const noexcept { return static_cast<std::uint16_t>(m_impl->port); }

void PeerServer::attach(PeerRuntime& runtime, PeerId self) { m_impl->service.attach(runtime, self); }

void PeerServer::attach_chord(ChordRuntime& chord) { m_impl->service.attach_chord(chord); }

int PeerServer::uploads_active() const noexcept { return m_impl->service.m_uploads.load(); }

PeerServerCounters PeerServer::counters() const { return m_impl->service.counters(); }

void PeerServer::shutdown() {
  m_impl->watchdog.reset();
  std::lock_guard lock(m_impl->server_mutex);
  m_impl->shut_down = true;
  stop_server(m_impl->server);
}

}  // namespace zonal::node
