#include "deliver_client.hpp"

#include "grpc_code.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/wire/chord_codec.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::node {
namespace {

/// One asynchronous unary call's state, deleted when it ends.
template <class Request>
struct Call {
  grpc::ClientContext ctx;
  Request request;
  wire::Ack reply;
};

}  // namespace

struct DeliverClient::Impl {
  const AddressBook& book;
  std::uint32_t timeout_ms;
  const TlsConfig& tls;
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t in_flight = 0;
  bool draining = false;  ///< drain_calls() started: queued Chord messages are dropped
  struct Connection {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<wire::Peer::Stub> stub;
  };
  std::map<std::pair<PeerId, std::string>, Connection> connections;  ///< by (peer, address)
  /// Chord messages per destination behind the one call in flight to it (an entry exists while
  /// a call is in flight). Chord exchanges are ordered (a ChordStabilizeReply, then its
  /// ChordSuccessorEntry messages), and concurrent unary calls may be handled out of order.
  std::map<PeerId, std::deque<ChordMessage>> chord_queues;

  std::size_t calls_max;
  std::atomic<std::uint64_t> dropped_busy{0};  ///< protocol messages dropped: calls_max in flight

  Impl(const AddressBook& b, std::uint32_t t, const TlsConfig& c, std::size_t max) : book(b), timeout_ms(t), tls(c), calls_max(max) {}

  /// The stub of peer `to` at `address` (created on first use); call with `mutex` held.
  wire::Peer::Stub& stub(PeerId to, const std::string& address) { return *connection(to, address).stub; }
  Connection& connection(PeerId to, const std::string& address) {
    auto& c = connections[{to, address}];
    if (!c.stub) {
      c.channel = make_channel(address, tls, node_identity_name(to));
      c.stub = wire::Peer::NewStub(c.channel);
    }
    return c;
  }

  /// Start one asynchronous Peer call to `to` at `address` (Deliver or Chord: `invoke(async
  /// stub, ctx, request, reply, callback)` names the method) with the call deadline; counts it
  /// in flight; `done(status)` runs on gRPC's thread when it ends.
  template <class Request, class Invoke, class Done>
  void start(PeerId to, const std::string& address, Request request, Invoke invoke, Done done) {
    auto* call = new Call<Request>;
    call->request = std::move(request);
    set_deadline(call->ctx, timeout_ms);
    std::unique_lock lock(mutex);
    auto& s = stub(to, address);
    ++in_flight;
    lock.unlock();
    invoke(*s.async(), &call->ctx, &call->request, &call->reply, [call, done = std::move(done)](grpc::Status status) {
      delete call;
      done(status);
    });
  }
};

namespace {

constexpr std::size_t waiting_max = 1024;
constexpr std::size_t chord_queue_max = 256;  ///< per destination

}  // namespace

DeliverClient::DeliverClient(PeerId self, const AddressBook& book, std::uint32_t timeout_ms, const TlsConfig& tls,
                             std::size_t calls_max, NodeMetrics* metrics)
    : m_impl(std::make_unique<Impl>(book, timeout_ms, tls, calls_max)), m_self(self), m_metrics(metrics) {}

std::uint64_t DeliverClient::dropped_busy() const noexcept { return m_impl->dropped_busy.load(); }

DeliverClient::~DeliverClient() { drain_calls(); }

void DeliverClient::send(PeerId to, const Message& msg) {
  if (m_metrics) m_metrics->out(msg).inc();
  send_any(to, msg);
}

void DeliverClient::send_chord(PeerId to, const ChordMessage& msg) {
  if (m_metrics) m_metrics->out(msg).inc();
  send_any(to, msg);
}

void DeliverClient::send_any(PeerId to, const AnyMessage& msg) {
  const auto address = m_impl->book.find(to);
  if (!address) {
    {
      std::lock_guard lock(m_waiting_mutex);
      if (m_waiting.size() < waiting_max) {
        m_waiting.emplace_back(to, msg);
      } else {
        ++m_failures;
        spdlog::debug("no address for peer {}: message dropped", to);
      }
    }
    if (m_on_unknown) m_on_unknown();
    return;
  }
  if (const auto* m = std::get_if<Message>(&msg)) return start_deliver(to, *address, *m);
  {
    std::lock_guard lock(m_impl->mutex);
    const auto [queue, idle] = m_impl->chord_queues.try_emplace(to);
    if (!idle) {  // a call to `to` is in flight: this message follows it
      if (queue->second.size() < chord_queue_max) {
        queue->second.push_back(std::get<ChordMessage>(msg));
      } else {
        ++m_failures;
        spdlog::debug("Chord queue to peer {} full: message dropped", to);
      }
      return;
    }
  }
  start_chord(to, *address, std::get<ChordMessage>(msg));
}

void DeliverClient::finished(PeerId to, const char* method, const grpc::Status& status) {
  if (!status.ok()) {
    ++m_failures;
    if (m_metrics) m_metrics->grpc_errors.with({"client", method, grpc_code_name(status.error_code())}).inc();
    spdlog::debug("call to peer {} failed: {} ({})", to, status.error_message(), static_cast<int>(status.error_code()));
  }
  std::lock_guard guard(m_impl->mutex);
  if (--m_impl->in_flight == 0) m_impl->idle.notify_all();
}

void DeliverClient::start_deliver(PeerId to, const std::string& address, const Message& msg) {
  {
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->in_flight >= m_impl->calls_max) {  // the network is slower than the traffic: shed it
      ++m_impl->dropped_busy;
      ++m_failures;
      return;
    }
  }
  m_impl->start(
      to, address, wire::encode(m_self, msg),
      [](auto& async, auto* ctx, auto* request, auto* reply, auto callback) { async.Deliver(ctx, request, reply, std::move(callback)); },
      [this, to](const grpc::Status& status) { finished(to, "Peer/Deliver", status); });
}

void DeliverClient::start_chord(PeerId to, const std::string& address, const ChordMessage& msg) {
  m_impl->start(
      to, address, wire::encode_chord(m_self, msg),
      [](auto& async, auto* ctx, auto* request, auto* reply, auto callback) { async.Chord(ctx, request, reply, std::move(callback)); },
      [this, to](const grpc::Status& status) {
        if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
          std::lock_guard lock(m_waiting_mutex);
          m_no_chord.insert(to);
        }
        send_next_chord(to);  // before finished(): in_flight never drops to 0 between the two calls
        finished(to, "Peer/Chord", status);
      });
}

void DeliverClient::send_next_chord(PeerId to) {
  std::optional<ChordMessage> next;
  {
    std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->chord_queues.find(to);
    if (it == m_impl->chord_queues.end()) return;
    if (it->second.empty() || m_impl->draining) {
      m_failures += it->second.size();
      m_impl->chord_queues.erase(it);
      return;
    }
    next = it->second.front();
    it->second.pop_front();
  }
  const auto address = m_impl->book.find(to);
  if (address) return start_chord(to, *address, *next);
  std::lock_guard lock(m_impl->mutex);  // the peer left the directory: drop what waited for it
  if (const auto it = m_impl->chord_queues.find(to); it != m_impl->chord_queues.end()) {
    m_failures += it->second.size() + 1;
    m_impl->chord_queues.erase(it);
  }
}

void DeliverClient::retry_waiting() {
  std::deque<std::pair<PeerId, AnyMessage>> waiting;
  {
    std::lock_guard lock(m_waiting_mutex);
    waiting.swap(m_waiting);
    m_no_chord.clear();  // a new directory: members may have restarted with other settings
  }
  for (auto& [to, msg] : waiting) {
    if (m_impl->book.find(to)) {
      send_any(to, msg);
    } else {
      ++m_failures;
      spdlog::debug("peer {} is not in the directory: message dropped", to);
    }
  }
}

void DeliverClient::connect(const std::vector<PeerId>& peers) {
  for (PeerId p : peers) {
    const auto address = m_impl->book.find(p);
    if (!address) continue;
    std::lock_guard lock(m_impl->mutex);
    m_impl->connection(p, *address).channel->GetState(true);  // starts connecting (and the TLS handshake) now
  }
}

bool DeliverClient::refuses_chord(PeerId peer) const {
  std::lock_guard lock(m_waiting_mutex);
  return m_no_chord.contains(peer);
}

void DeliverClient::drain_calls() {
  std::unique_lock lock(m_impl->mutex);
  m_impl->draining = true;
  m_impl->idle.wait_for(lock, std::chrono::milliseconds(m_impl->timeout_ms + 500), [this] { return m_impl->in_flight == 0; });
}

}  // namespace zonal::node
