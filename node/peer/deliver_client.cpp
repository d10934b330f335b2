#include "deliver_client.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "grpc_options.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/wire/chord_codec.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::node {

struct DeliverClient::Impl {
  const AddressBook& book;
  std::uint32_t timeout_ms;
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t in_flight = 0;
  std::map<std::string, std::unique_ptr<wire::Peer::Stub>> stubs;

  Impl(const AddressBook& b, std::uint32_t t) : book(b), timeout_ms(t) {}

  wire::Peer::Stub& stub(const std::string& address) {
    auto& s = stubs[address];
    if (!s) s = wire::Peer::NewStub(make_channel(address));
    return *s;
  }
};

namespace {

constexpr std::size_t waiting_max = 1024;

template <class Request>
struct Call {
  grpc::ClientContext ctx;
  Request request;
  wire::Ack reply;
};

}  // namespace

DeliverClient::DeliverClient(PeerId self, const AddressBook& book, std::uint32_t timeout_ms)
    : m_impl(std::make_unique<Impl>(book, timeout_ms)), m_self(self) {}

DeliverClient::~DeliverClient() { drain_calls(); }

void DeliverClient::send(PeerId to, const Message& msg) { send_any(to, msg); }

void DeliverClient::send_chord(PeerId to, const ChordMessage& msg) { send_any(to, msg); }

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
  std::unique_lock lock(m_impl->mutex);
  auto& stub = m_impl->stub(*address);
  ++m_impl->in_flight;
  lock.unlock();
  const auto finished = [this, to](grpc::Status status) {
    if (!status.ok()) {
      ++m_failures;
      spdlog::debug("call to peer {} failed: {} ({})", to, status.error_message(), static_cast<int>(status.error_code()));
    }
    std::lock_guard guard(m_impl->mutex);
    if (--m_impl->in_flight == 0) m_impl->idle.notify_all();
  };
  if (const auto* m = std::get_if<Message>(&msg)) {
    auto* call = new Call<wire::Envelope>;
    call->request = wire::encode(m_self, *m);
    set_deadline(call->ctx, m_impl->timeout_ms);
    stub.async()->Deliver(&call->ctx, &call->request, &call->reply, [call, finished](grpc::Status status) {
      delete call;
      finished(std::move(status));
    });
    return;
  }
  auto* call = new Call<wire::ChordEnvelope>;
  call->request = wire::encode_chord(m_self, std::get<ChordMessage>(msg));
  set_deadline(call->ctx, m_impl->timeout_ms);
  stub.async()->Chord(&call->ctx, &call->request, &call->reply, [call, finished](grpc::Status status) {
    delete call;
    finished(std::move(status));
  });
}

void DeliverClient::retry_waiting() {
  std::deque<std::pair<PeerId, AnyMessage>> waiting;
  {
    std::lock_guard lock(m_waiting_mutex);
    waiting.swap(m_waiting);
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

void DeliverClient::drain_calls() {
  std::unique_lock lock(m_impl->mutex);
  m_impl->idle.wait_for(lock, std::chrono::milliseconds(m_impl->timeout_ms + 500), [this] { return m_impl->in_flight == 0; });
}

}  // namespace zonal::node
