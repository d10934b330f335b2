#include "node_metrics.hpp"

namespace zonal::node {
namespace {

constexpr const char* message_names[] = {"query", "query_hit", "publish", "register", "heartbeat",
                                         "leave", "zone_assignment", "walk", "walk_check", "walk_check_reply"};
static_assert(std::size(message_names) == std::variant_size_v<Message>);

constexpr const char* chord_names[] = {
    "chord_find_successor", "chord_find_successor_reply", "chord_forward", "chord_forward_ack", "chord_lookup_result",
    "chord_fetch", "chord_fetch_reply", "chord_store", "chord_stabilize", "chord_stabilize_reply",
    "chord_successor_entry", "chord_ping", "chord_pong", "chord_leave_notice"};
static_assert(std::size(chord_names) == std::variant_size_v<ChordMessage>);

const char* chord_kind_of_index(std::size_t i) { return chord_names[i]; }
const char* message_kind_of_index(std::size_t i) { return message_names[i]; }

}  // namespace

NodeMetrics::NodeMetrics(MetricsRegistry& r)
    : registry(r),
      messages_in(r.counter("zonal_messages_in_total", "Protocol messages received (Deliver and Chord calls)", {"kind"})),
      messages_out(r.counter("zonal_messages_out_total", "Protocol messages sent (Deliver and Chord calls started)", {"kind"})),
      duplicates(r.counter("zonal_duplicates_total", "Query copies that arrived again and were dropped").with()),
      searches(r.counter("zonal_searches_total", "Searches started by this node", {"strategy"})),
      hits(r.counter("zonal_search_hits_total", "Hits received by searches started by this node", {"strategy"})),
      first_hit(r.histogram("zonal_search_first_hit_seconds", "Time from a search's start to its first hit", {"strategy"},
                            latency_buckets_s())),
      bytes_served(r.counter("zonal_bytes_served_total", "File bytes sent to other peers (Fetch)").with()),
      bytes_downloaded(r.counter("zonal_bytes_downloaded_total", "File bytes received by downloads").with()),
      downloads_active(r.gauge("zonal_downloads_active", "Downloads running now").with()),
      grpc_errors(r.counter("zonal_grpc_errors_total", "gRPC calls that ended with a non-OK status",
                            {"side", "method", "code"})),
      outbox_depth(r.gauge("zonal_events_outbox_depth", "Events waiting in the outbox for the broker").with()),
      rate_limited(r.counter("zonal_rate_limited_total", "Requests refused by a rate limit", {"what"})) {
  for (std::size_t i = 0; i < m_in.size(); ++i) {
    const char* kind = message_kind_of_index(i);
    m_in[i] = &messages_in.with({kind});
    m_out[i] = &messages_out.with({kind});
  }
  for (std::size_t i = 0; i < m_chord_in.size(); ++i) {
    const char* kind = chord_kind_of_index(i);
    m_chord_in[i] = &messages_in.with({kind});
    m_chord_out[i] = &messages_out.with({kind});
  }
}

const char* message_kind(const Message& msg) noexcept { return message_names[msg.index()]; }

const char* message_kind(const ChordMessage& msg) noexcept { return chord_names[msg.index()]; }

}  // namespace zonal::node
