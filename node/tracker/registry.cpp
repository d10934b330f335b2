#include "registry.hpp"

#include <spdlog/spdlog.h>

namespace zonal::node {
namespace {

constexpr PeerId tracker_self = 0xFFFFFFFEu;
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
    : m_core(tracker_self, core_config(options)), m_events(events) {}

Admission Registry::admission_of(PeerId peer) const {
  return Admission{peer, m_core.zone_of(peer), m_core.zone_count(), m_core.epoch()};
}

PeerId Registry::allocate(const std::string& address, std::optional<PeerId> requested) {
  if (requested) {
    const auto it = m_addresses.find(*requested);
    if (it == m_addresses.end() || it->second == address) return *requested;
    spdlog::info("requested id {} is held by {}; assigning another to {}", *requested, it->second, address);
  }
  while (m_addresses.contains(m_next_id)) ++m_next_id;
  return m_next_id++;
}

Admission Registry::register_peer(TimeUs now, const std::string& address, std::optional<PeerId> requested) {
  std::lock_guard lock(m_mutex);
  const PeerId id = allocate(address, requested);
  m_addresses[id] = address;
  m_core.register_peer(now, id);
  drain(id);
  const Admission a = admission_of(id);
  if (m_events)
    m_events->publish("peer.registered",
                      {{"peer_id", id}, {"address", address}, {"zone", a.zone}, {"zone_count", a.zone_count}, {"epoch", a.epoch}});
  return a;
}

std::optional<Admission> Registry::heartbeat(TimeUs now, PeerId peer) {
  std::lock_guard lock(m_mutex);
  if (!m_core.heartbeat(now, peer)) return std::nullopt;
  return admission_of(peer);
}

bool Registry::leave(PeerId peer) {
  std::lock_guard lock(m_mutex);
  m_addresses.erase(peer);
  const bool known = m_core.leave(peer);
  drain();
  return known;
}

void Registry::expire(TimeUs now) {
  std::lock_guard lock(m_mutex);
  m_core.handle_timeout(now);
  std::erase_if(m_addresses, [this](const auto& entry) {
    if (m_core.zone_of(entry.first) != no_zone) return false;
    spdlog::info("peer {} at {} expired", entry.first, entry.second);
    if (m_events) m_events->publish("peer.expired", {{"peer_id", entry.first}, {"address", entry.second}});
    return true;
  });
  drain();
}

RegistrySnapshot Registry::snapshot() const {
  std::lock_guard lock(m_mutex);
  return RegistrySnapshot{m_core.directory(), m_addresses};
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
