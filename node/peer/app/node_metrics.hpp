#pragma once
/// The metrics a node exposes at GET /metrics (names and labels in docs/node.md, "Metrics"),
/// registered once in the node's MetricsRegistry; the parts that count get a reference.
/// Hooks for other parts: `outbox_depth` (the event outbox sets it) and `rate_limited` (request
/// limiters count refusals under a `what` label).
#include <array>
#include <string>
#include <variant>

#include "metrics.hpp"
#include "zonal/chord_message.hpp"
#include "zonal/message.hpp"

namespace zonal::node {

struct NodeMetrics {
  /// Register every node metric in `registry` (which must outlive this).
  explicit NodeMetrics(MetricsRegistry& registry);

  MetricsRegistry& registry;
  Family<Counter>& messages_in;    ///< {kind}: protocol messages received (Deliver, Chord)
  Family<Counter>& messages_out;   ///< {kind}: protocol messages sent
  Counter& duplicates;             ///< query copies that arrived again and were dropped
  Family<Counter>& searches;       ///< {strategy}: searches started here
  Family<Counter>& hits;           ///< {strategy}: hits received by searches started here
  Family<Histogram>& first_hit;    ///< {strategy}: seconds from a search's start to its first hit
  Counter& bytes_served;           ///< file bytes sent by Fetch
  Counter& bytes_downloaded;       ///< file bytes received by downloads
  Gauge& downloads_active;         ///< downloads running now
  Family<Counter>& grpc_errors;    ///< {side, method, code}: non-OK gRPC statuses
  Gauge& outbox_depth;             ///< events waiting in the outbox (set by the event outbox)
  Family<Counter>& rate_limited;   ///< {what}: requests refused by a rate limit

  /// The messages_in / messages_out child of `msg`'s kind (looked up once, lock-free).
  Counter& in(const Message& msg) noexcept { return *m_in[msg.index()]; }
  Counter& in(const ChordMessage& msg) noexcept { return *m_chord_in[msg.index()]; }
  Counter& out(const Message& msg) noexcept { return *m_out[msg.index()]; }
  Counter& out(const ChordMessage& msg) noexcept { return *m_chord_out[msg.index()]; }

 private:
  std::array<Counter*, std::variant_size_v<Message>> m_in{}, m_out{};
  std::array<Counter*, std::variant_size_v<ChordMessage>> m_chord_in{}, m_chord_out{};
};

/// Metric label of a protocol message ("query", "query_hit", "walk", ...).
const char* message_kind(const Message& msg) noexcept;
/// Metric label of a Chord message ("chord_find_successor", ...).
const char* message_kind(const ChordMessage& msg) noexcept;

}  // namespace zonal::node
