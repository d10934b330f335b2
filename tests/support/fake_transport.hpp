#pragma once
/// A Transport that sends nothing: it collects every packet a runtime hands it (the style of
/// libtorrent's DHT tests), so tests drive PeerRuntime and ChordRuntime without sockets or
/// processes and deliver the packets themselves. Thread-safe: runtimes send from their io threads.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "event_sink.hpp"
#include "transport.hpp"

namespace zonal::node::test {

template <class Msg>
struct Packet {
  PeerId to = no_peer;
  Msg msg;
};

class FakeTransport : public Transport, public ChordTransport {
 public:
  void send(PeerId to, const Message& msg) override { push(m_packets, Packet<Message>{to, msg}); }
  void send_chord(PeerId to, const ChordMessage& msg) override { push(m_chord, Packet<ChordMessage>{to, msg}); }

  /// Every protocol packet sent since the last take(), oldest first.
  std::vector<Packet<Message>> take() { return take_from(m_packets); }
  /// Every Chord packet sent since the last take_chord(), oldest first.
  std::vector<Packet<ChordMessage>> take_chord() { return take_from(m_chord); }
  /// Wait until a packet of either kind is queued or `wait` passed; true if one is.
  bool wait_any(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, wait, [this] { return !m_packets.empty() || !m_chord.empty(); });
  }

 private:
  template <class P>
  void push(std::vector<P>& to, P packet) {
    {
      std::lock_guard lock(m_mutex);
      to.push_back(std::move(packet));
    }
    m_cv.notify_all();
  }
  template <class P>
  std::vector<P> take_from(std::vector<P>& from) {
    std::lock_guard lock(m_mutex);
    return std::exchange(from, {});
  }

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<Packet<Message>> m_packets;
  std::vector<Packet<ChordMessage>> m_chord;
};

/// An EventSink that keeps every event (routing key and body) for the test to read.
class RecordingSink : public EventSink {
 public:
  void publish(const std::string& routing_key, nlohmann::json body) override {
    std::lock_guard lock(m_mutex);
    m_events.emplace_back(routing_key, std::move(body));
  }
  /// Copy of the events published so far.
  std::vector<std::pair<std::string, nlohmann::json>> events() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<std::pair<std::string, nlohmann::json>> m_events;
};

}  // namespace zonal::node::test
