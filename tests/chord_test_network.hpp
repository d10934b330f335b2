#pragma once
// A small deterministic driver for ChordNode tests: a virtual clock, every poll_transmit()
// output delivered in (time, seq) order after a fixed latency (plus optional deterministic
// jitter), timers from poll_timeout(), crashes (the driver stops delivering to and from a node),
// and per-search message counts from chord_lookup_tag(). The "mock that collects packets".
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "zonal/chord_node.hpp"
#include "zonal/chord_ring_check.hpp"
#include "zonal/chord_stable.hpp"
#include "zonal/rng.hpp"

namespace zonal::test {

class ChordTestNetwork {
 public:
  explicit ChordTestNetwork(const ChordConfig& config, TimeUs latency_us = 10'000, TimeUs jitter_us = 0,
                            std::uint64_t seed = 1)
      : m_config(std::make_shared<const ChordConfig>(config)),
        m_latency_us(latency_us),
        m_jitter_us(jitter_us),
        m_seed(seed),
        m_rng(mix64(seed)) {}

  /// Add `count` nodes (not yet on a ring); peer p's address is its decimal PeerId.
  void add_nodes(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto p = static_cast<PeerId>(m_nodes.size());
      const ChordRef self = ChordRef::make(chord_id_of_address(std::to_string(p), m_config->id_bits), p);
      m_nodes.push_back(std::make_unique<ChordNode>(self, m_config, mix64(m_seed ^ p)));
      m_crashed.push_back(false);
      m_timer_at.push_back(never);
    }
  }

  std::size_t size() const { return m_nodes.size(); }
  ChordNode& node(PeerId p) { return *m_nodes[p]; }
  ChordRef ref(PeerId p) const { return m_nodes[p]->self(); }
  TimeUs now() const { return m_now; }
  bool alive(PeerId p) const { return !m_crashed[p] && m_nodes[p]->state() == ChordState::member; }

  /// Run a command on node `p` now and collect what it produced.
  template <class F>
  void command(PeerId p, F&& f) {
    f(*m_nodes[p], m_now);
    drain(p);
  }

  /// Crash `p`: nothing is delivered to or from it any more.
  void crash(PeerId p) { m_crashed[p] = true; }

  /// Bring crashed `p` back as a fresh node (same address and id, no state, not on a ring), as
  /// a restarted process; messages to and from it are delivered again.
  void restart(PeerId p) {
    m_nodes[p] = std::make_unique<ChordNode>(ref(p), m_config, mix64(m_seed ^ p ^ (++m_restarts << 32)));
    m_crashed[p] = false;
  }

  /// Make every node in `peers` a member of the exact stable ring they form (no messages).
  void install_stable(const std::vector<PeerId>& peers) {
    std::vector<ChordRef> refs;
    for (PeerId p : peers) refs.push_back(ref(p));
    const auto ring = chord_sorted_ring(refs);
    for (PeerId p : peers) command(p, [&](ChordNode& n, TimeUs now) { n.install_stable_state(now, ring); });
  }

  /// Deliver messages and fire timers until `t` (inclusive), then set the clock to `t`.
  void run_until(TimeUs t) {
    while (!m_queue.empty() && m_queue.top().at <= t) {
      const Pending e = m_queue.top();
      m_queue.pop();
      m_now = e.at;
      if (e.timer) {
        fire(e.to);
      } else if (!m_crashed[e.to] && !m_crashed[e.from]) {
        ++m_delivered;
        if (m_nodes[e.to]->handle_message(m_now, e.from, e.msg) == Arrival::accepted) drain(e.to);
      }
    }
    m_now = t;
  }
  void run_for(TimeUs dt) { run_until(m_now + dt); }

  /// Views of every node for check_ring (crashed or departed nodes are not live).
  std::vector<ChordNodeView> views() const {
    std::vector<ChordNodeView> out;
    for (std::size_t p = 0; p < m_nodes.size(); ++p) out.push_back(m_nodes[p]->view(!m_crashed[p]));
    return out;
  }
  std::vector<ChordViolation> violations() const { return check_ring(views(), m_config->successors); }
  /// Sorted refs of the live members.
  std::vector<ChordRef> live_ring() const {
    std::vector<ChordRef> refs;
    for (std::size_t p = 0; p < m_nodes.size(); ++p)
      if (alive(static_cast<PeerId>(p))) refs.push_back(ref(static_cast<PeerId>(p)));
    return chord_sorted_ring(refs);
  }

  /// Events collected so far, with the node that reported them.
  const std::vector<std::pair<PeerId, ChordEvent>>& events() const { return m_events; }
  /// ChordLookupDone events collected so far.
  std::vector<ChordLookupDone> lookups_done() const {
    std::vector<ChordLookupDone> out;
    for (const auto& [p, ev] : m_events)
      if (const auto* d = std::get_if<ChordLookupDone>(&ev)) out.push_back(*d);
    return out;
  }
  void clear_events() { m_events.clear(); }
  /// Messages sent on behalf of the search (origin, lookup), as a driver attributes them.
  std::uint64_t tagged_messages(PeerId origin, ChordLookupId lookup) const {
    const auto it = m_tagged.find((std::uint64_t{origin} << 32) | lookup);
    return it == m_tagged.end() ? 0 : it->second;
  }
  std::uint64_t sent() const { return m_sent; }
  /// Call `trace(now, from, to, msg)` for every message sent from now on (debugging aid).
  void set_trace(std::function<void(TimeUs, PeerId, PeerId, const ChordMessage&)> trace) { m_trace = std::move(trace); }
  std::uint64_t delivered() const { return m_delivered; }

 private:
  static constexpr TimeUs never = INT64_MAX;
  struct Pending {
    TimeUs at;
    std::uint64_t seq;
    PeerId to;
    PeerId from;
    bool timer;
    ChordMessage msg;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  };

  void drain(PeerId p) {
    ChordNode& n = *m_nodes[p];
    while (auto t = n.poll_transmit()) {
      ++m_sent;
      if (m_trace) m_trace(m_now, p, t->to, t->msg);
      if (const auto tag = chord_lookup_tag(p, t->to, t->msg)) ++m_tagged[(std::uint64_t{tag->origin} << 32) | tag->lookup];
      if (t->to >= m_nodes.size()) continue;  // addressed to nobody: lost
      const TimeUs delay = m_latency_us + (m_jitter_us > 0 ? m_rng.below(static_cast<std::uint32_t>(m_jitter_us) + 1) : 0);
      m_queue.push(Pending{m_now + delay, m_seq++, t->to, p, false, t->msg});
    }
    while (auto ev = n.poll_event()) m_events.emplace_back(p, *ev);
    if (const auto due = n.poll_timeout(); due && *due < m_timer_at[p]) {
      m_timer_at[p] = *due;
      m_queue.push(Pending{std::max(m_now, *due), m_seq++, p, p, true, {}});
    }
  }

  void fire(PeerId p) {
    if (m_timer_at[p] <= m_now) m_timer_at[p] = never;
    if (m_crashed[p]) return;
    ChordNode& n = *m_nodes[p];
    if (const auto due = n.poll_timeout(); due && *due <= m_now) n.handle_timeout(m_now);
    drain(p);
  }

  std::shared_ptr<const ChordConfig> m_config;
  TimeUs m_latency_us;
  TimeUs m_jitter_us;
  std::uint64_t m_seed;
  Rng m_rng;
  std::vector<std::unique_ptr<ChordNode>> m_nodes;
  std::vector<bool> m_crashed;
  std::vector<TimeUs> m_timer_at;
  std::priority_queue<Pending, std::vector<Pending>, Later> m_queue;
  std::uint64_t m_seq = 0;
  TimeUs m_now = 0;
  std::vector<std::pair<PeerId, ChordEvent>> m_events;
  std::map<std::uint64_t, std::uint64_t> m_tagged;
  std::uint64_t m_sent = 0;
  std::uint64_t m_delivered = 0;
  std::uint64_t m_restarts = 0;
  std::function<void(TimeUs, PeerId, PeerId, const ChordMessage&)> m_trace;
};

/// Peers 0 .. n-1.
inline std::vector<PeerId> all_peers(std::size_t n) {
  std::vector<PeerId> peers(n);
  for (std::size_t p = 0; p < n; ++p) peers[p] = static_cast<PeerId>(p);
  return peers;
}

/// A network of `n` nodes forming an exact stable ring.
inline std::unique_ptr<ChordTestNetwork> stable_network(std::size_t n, const ChordConfig& config,
                                                        TimeUs latency_us = 10'000, TimeUs jitter_us = 0) {
  auto net = std::make_unique<ChordTestNetwork>(config, latency_us, jitter_us);
  net->add_nodes(n);
  net->install_stable(all_peers(n));
  return net;
}

/// The first violations, one a line, for failure messages.
inline std::string describe_all(const std::vector<ChordViolation>& violations) {
  std::string s;
  for (std::size_t i = 0; i < violations.size() && i < 10; ++i) s += describe(violations[i]) + "\n";
  return s;
}

/// A configuration with fast timers for convergence tests (periods in whole seconds).
inline ChordConfig fast_config(std::uint8_t successors = 4) {
  ChordConfig c;
  c.successors = successors;
  c.stabilize_interval_us = 1'000'000;
  c.fix_fingers_interval_us = 1'000'000;
  c.check_predecessor_interval_us = 1'000'000;
  c.rpc_timeout_us = 200'000;
  return c;
}

/// A configuration without periodic maintenance (stable-ring experiments).
inline ChordConfig quiet_config(std::uint8_t successors = 4) {
  ChordConfig c;
  c.successors = successors;
  c.stabilize_interval_us = 0;
  c.fix_fingers_interval_us = 0;
  c.check_predecessor_interval_us = 0;
  c.rpc_timeout_us = 200'000;
  return c;
}

}  // namespace zonal::test
