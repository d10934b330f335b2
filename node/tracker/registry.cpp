#include "registry.hpp"

#include <spdlog/spdlog.h>

#include <bit>
#include <vector>

namespace zonal::node {
namespace {

constexpr std::size_t moved_listed_max = 1000;  ///< zones.rebalanced lists at most this many moves

TrackerConfig core_config(const TrackerOptions& o) {
  TrackerConfig c;
  c.zone_count_target = o.zone_count;
  c.zone_size_min = o.zone_size_min;
  c.expiry_us = static_cast<TimeUs>(o.expiry_ms) * 1000;
  c.links_seed = o.links_seed;
  return c;
}

}  // namespace

Registry::Registry(const TrackerOptions& options, EventSink* events)
    : m_peers_max(options.peers_max),
      m_peers_per_host_max(options.peers_per_host_max),
      m_core(tracker_peer_id, core_config(options)),
      m_events(events) {}

Admission Registry::admission_of(PeerId peer) const {
  return Admission{peer, m_core.zone_of(peer), m_core.zone_count(), m_core.epoch() + m_address_changes};
}

PeerId Registry::allocate(const std::string& address, std::optional<PeerId> requested, bool proven) {
  if (requested) {
    const auto it = m_addresses.find(*requested);
    if (it == m_addresses.end() || it->second == address) return *requested;
    if (proven) {
      spdlog::info("peer {} moves from {} to {} (proven by its certificate)", *requested, it->second, address);
      return *requested;
    }
    spdlog::info("requested id {} is held by {}; assigning another to {}", *requested, it->second, address);
  }
  while (m_addresses.contains(m_next_id)) ++m_next_id;
  return m_next_id++;
}

std::optional<RegistryRefusal> Registry::check_limits(const std::string& host, std::optional<PeerId> replacing) {
  const bool known = replacing && m_addresses.contains(*replacing);
  if (!known && m_addresses.size() >= m_peers_max) {
    if (std::has_single_bit(++m_counters.refused_full))
      spdlog::warn("directory full ({} peers, limits.peers_max): {} Register(s) refused so far", m_addresses.size(),
                   m_counters.refused_full);
    return RegistryRefusal{"directory full: " + std::to_string(m_peers_max) + " peers registered (limits.peers_max)"};
  }
  const auto it = m_per_host.find(host);
  const std::uint32_t from_host = it == m_per_host.end() ? 0 : it->second;
  const bool same_host = known && m_hosts[*replacing] == host;
  if (!same_host && from_host >= m_peers_per_host_max) {
    if (std::has_single_bit(++m_counters.refused_host))
      spdlog::warn("host {} holds {} registrations (limits.peers_per_host_max): {} Register(s) refused so far", host, from_host,
                   m_counters.refused_host);
    return RegistryRefusal{"too many registrations from " + host + ": " + std::to_string(m_peers_per_host_max) +
                           " (limits.peers_per_host_max)"};
  }
  return std::nullopt;
}

void Registry::forget(PeerId peer) {
  m_addresses.erase(peer);
  const auto it = m_hosts.find(peer);
  if (it == m_hosts.end()) return;
  if (auto count = m_per_host.find(it->second); count != m_per_host.end() && --count->second == 0) m_per_host.erase(count);
  m_hosts.erase(it);
}

std::variant<Admission, RegistryRefusal> Registry::register_peer(TimeUs now, const std::string& address, const std::string& host,
                                                                 std::optional<PeerId> requested, bool proven) {
  std::lock_guard lock(m_mutex);
  const PeerId id = allocate(address, requested, proven);
  if (auto refusal = check_limits(host, id)) return *refusal;
  if (const auto old = m_addresses.find(id); old != m_addresses.end() && old->second != address) ++m_address_changes;
  forget(id);  // a re-registration replaces the old entry
  m_addresses[id] = address;
  m_hosts[id] = host;
  ++m_per_host[host];
  m_core.register_peer(now, id);
  drain(id);
  const Admission a = admission_of(id);
  if (m_events)
    m_events->publish("peer.registered",
                      {{"peer_id", id}, {"address", address}, {"zone", a.zone}, {"zone_count", a.zone_count}, {"epoch", a.epoch}});
  return a;
}

RegistryCounters Registry::counters() const {
  std::lock_guard lock(m_mutex);
  return m_counters;
}

std::optional<Admission> Registry::heartbeat(TimeUs now, PeerId peer) {
  std::lock_guard lock(m_mutex);
  if (!m_core.heartbeat(now, peer)) return std::nullopt;
  return admission_of(peer);
}

bool Registry::leave(PeerId peer) {
  std::lock_guard lock(m_mutex);
  forget(peer);
  const bool known = m_core.leave(peer);
  drain();
  return known;
}

void Registry::expire(TimeUs now) {
  std::lock_guard lock(m_mutex);
  m_core.handle_timeout(now);
  std::vector<PeerId> expired;
  for (const auto& [peer, address] : m_addresses) {
    if (m_core.zone_of(peer) != no_zone) continue;
    spdlog::info("peer {} at {} expired", peer, address);
    if (m_events) m_events->publish("peer.expired", {{"peer_id", peer}, {"address", address}});
    expired.push_back(peer);
  }
  for (PeerId peer : expired) forget(peer);
  drain();
}

RegistrySnapshot Registry::snapshot() const {
  std::lock_guard lock(m_mutex);
  return RegistrySnapshot{m_core.directory(), m_addresses, m_core.epoch() + m_address_changes};
}

std::size_t Registry::peer_count() const {
  std::lock_guard lock(m_mutex);
  return m_core.peer_count();
}

// Zone moves reach real peers through heartbeat replies (zone + epoch), so the core's
// ZoneAssignment transmits are only logged.
void Registry::drain(PeerId joining) {
  nlohmann::json moved = nlohmann::json::array();
  while (auto t = m_core.poll_transmit()) {
    const auto* a = std::get_if<ZoneAssignment>(&t->msg);
    if (a == nullptr) continue;
    spdlog::debug("peer {} -> zone {} of {} (epoch {})", t->to, a->zone, a->zone_count, a->epoch);
    if (t->to != joining && moved.size() < moved_listed_max) moved.push_back({{"peer_id", t->to}, {"zone", a->zone}});
  }
  const std::uint32_t zone_count = m_core.zone_count();
  if (m_events == nullptr || (moved.empty() && zone_count == m_zone_count_published)) return;
  m_zone_count_published = zone_count;
  m_events->publish("zones.rebalanced",
                    {{"epoch", m_core.epoch()}, {"zone_count", zone_count}, {"peers", m_core.peer_count()}, {"moved", moved}});
}

}  // namespace zonal::node
