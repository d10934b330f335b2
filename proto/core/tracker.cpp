#include "zonal/tracker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace zonal {

Tracker::Record* Tracker::Records::find(PeerId peer) noexcept {
  return const_cast<Record*>(std::as_const(*this).find(peer));
}

const Tracker::Record* Tracker::Records::find(PeerId peer) const noexcept {
  if (peer < m_dense.size()) return m_dense[peer].present ? &m_dense[peer] : nullptr;
  const auto it = m_sparse.find(peer);
  return it == m_sparse.end() ? nullptr : &it->second.record;
}

Tracker::Record& Tracker::Records::at(PeerId peer) {
  Record* r = find(peer);
  if (r == nullptr) throw std::out_of_range("tracker: unknown peer " + std::to_string(peer));
  return *r;
}

// The array covers ids up to about twice the peer count (dense ids: every slot used; scattered
// ids cannot make it grow past that), moving the hash map's ids below its new end into it.
void Tracker::Records::insert(PeerId peer, TimeUs now) {
  Record fresh;
  fresh.present = 1;
  ++m_count;
  if (peer < m_dense.size()) {
    m_dense[peer] = fresh;
    if (m_keep_last_seen) m_dense_seen[peer] = now;
    return;
  }
  if (peer == no_peer || std::size_t{peer} >= 2 * (m_count + 1024)) {
    m_sparse.emplace(peer, Sparse{fresh, m_keep_last_seen ? now : 0});
    return;
  }
  m_dense.resize(std::size_t{peer} + 1);
  if (m_keep_last_seen) m_dense_seen.resize(m_dense.size());
  m_dense[peer] = fresh;
  if (m_keep_last_seen) m_dense_seen[peer] = now;
  for (auto it = m_sparse.begin(); !m_sparse.empty() && it != m_sparse.end();) {
    if (it->first < m_dense.size()) {
      m_dense[it->first] = it->second.record;
      if (m_keep_last_seen) m_dense_seen[it->first] = it->second.last_seen_us;
      it = m_sparse.erase(it);
    } else {
      ++it;
    }
  }
}

void Tracker::Records::erase(PeerId peer) noexcept {
  if (peer < m_dense.size()) {
    if (!m_dense[peer].present) return;
    m_dense[peer] = Record{};
  } else if (m_sparse.erase(peer) == 0) {
    return;
  }
  --m_count;
}

TimeUs Tracker::Records::last_seen(PeerId peer) const noexcept {
  if (!m_keep_last_seen) return 0;
  if (peer < m_dense.size()) return m_dense_seen[peer];
  const auto it = m_sparse.find(peer);
  return it == m_sparse.end() ? 0 : it->second.last_seen_us;
}

void Tracker::Records::seen(PeerId peer, TimeUs now) noexcept {
  if (!m_keep_last_seen) return;
  if (peer < m_dense.size()) {
    m_dense_seen[peer] = now;
  } else if (const auto it = m_sparse.find(peer); it != m_sparse.end()) {
    it->second.last_seen_us = now;
  }
}

Tracker::Tracker(PeerId self, const TrackerConfig& config)
    : m_self(self), m_config(config), m_peers(config.expiry_us > 0) {
  if (m_config.zone_size_min == 0) m_config.zone_size_min = 1;
  if (m_config.zone_count_target == 0) m_config.zone_count_target = 1;
}

Arrival Tracker::handle_message(TimeUs now, PeerId from, const Message& msg) {
  if (std::holds_alternative<Register>(msg)) {
    register_peer(now, from);
  } else if (std::holds_alternative<Heartbeat>(msg)) {
    if (!heartbeat(now, from)) register_peer(now, from);  // forgotten (e.g. tracker restart): re-admit
  } else if (std::holds_alternative<Leave>(msg)) {
    leave(from);
  } else {
    return Arrival::dropped;
  }
  return Arrival::accepted;
}

ZoneId Tracker::register_peer(TimeUs now, PeerId peer) {
  if (const Record* known = m_peers.find(peer)) {
    heartbeat(now, peer);
    notify(peer);
    return known->zone;
  }
  m_peers.insert(peer, now);
  if (m_config.expiry_us > 0) m_expiry.emplace_back(now + m_config.expiry_us, peer);
  if (m_zones.empty()) {
    m_zones.emplace_back();
    m_by_size.emplace(0, 0);
  }
  place(peer, smallest_zone());
  ++m_epoch;
  notify(peer);
  rebalance();
  return m_peers.at(peer).zone;
}

bool Tracker::heartbeat(TimeUs now, PeerId peer) {
  if (m_peers.find(peer) == nullptr) return false;
  m_peers.seen(peer, now);
  if (m_config.expiry_us > 0) m_expiry.emplace_back(now + m_config.expiry_us, peer);
  return true;
}

bool Tracker::leave(PeerId peer) {
  if (m_peers.find(peer) == nullptr) return false;
  unplace(peer);
  m_peers.erase(peer);
  ++m_epoch;
  rebalance();
  return true;
}

void Tracker::handle_timeout(TimeUs now) {
  while (!m_expiry.empty() && m_expiry.front().first <= now) {
    const auto [deadline, peer] = m_expiry.front();
    m_expiry.pop_front();
    if (m_peers.find(peer) != nullptr && m_peers.last_seen(peer) + m_config.expiry_us == deadline) leave(peer);
  }
}

std::optional<Transmit> Tracker::poll_transmit() {
  while (m_notify_head < m_notify.size()) {
    const PeerId peer = m_notify[m_notify_head++];
    Record* r = m_peers.find(peer);
    if (r == nullptr || !r->notify_pending) continue;  // left meanwhile
    r->notify_pending = false;
    return Transmit{peer, ZoneAssignment{r->zone, zone_count(), m_epoch}};
  }
  m_notify.clear();
  m_notify_head = 0;
  return std::nullopt;
}

std::optional<TimeUs> Tracker::poll_timeout() const {
  if (m_expiry.empty()) return std::nullopt;
  return m_expiry.front().first;
}

ZoneId Tracker::zone_of(PeerId peer) const noexcept {
  const Record* r = m_peers.find(peer);
  return r == nullptr ? no_zone : r->zone;
}

std::span<const PeerId> Tracker::members(ZoneId zone) const noexcept {
  if (zone >= m_zones.size()) return {};
  return m_zones[zone];
}

std::shared_ptr<const ZoneDirectory> Tracker::directory() const {
  std::vector<std::vector<PeerId>> sorted = m_zones;
  for (auto& z : sorted) std::sort(z.begin(), z.end());
  return std::make_shared<const ZoneDirectory>(std::move(sorted), m_epoch, m_config.links_seed);
}

std::uint32_t Tracker::zone_count_wanted(std::size_t peers) const noexcept {
  const std::size_t fit = peers / m_config.zone_size_min;
  return static_cast<std::uint32_t>(std::clamp<std::size_t>(fit, 1, m_config.zone_count_target));
}

void Tracker::place(PeerId peer, ZoneId zone) {
  auto& members = m_zones[zone];
  if (members.size() >= slot_max) throw std::length_error("tracker: zone " + std::to_string(zone) + " is full");
  m_by_size.erase({members.size(), zone});
  members.push_back(peer);
  m_by_size.emplace(members.size(), zone);
  Record& r = m_peers.at(peer);
  r.zone = zone;
  r.slot = static_cast<std::uint32_t>(members.size() - 1);
}

void Tracker::unplace(PeerId peer) {
  Record& r = m_peers.at(peer);
  auto& members = m_zones[r.zone];
  m_by_size.erase({members.size(), r.zone});
  const PeerId last = members.back();
  members[r.slot] = last;
  m_peers.at(last).slot = r.slot;
  members.pop_back();
  m_by_size.emplace(members.size(), r.zone);
  r.zone = no_zone;
}

void Tracker::move(PeerId peer, ZoneId zone) {
  unplace(peer);
  place(peer, zone);
  notify(peer);
}

// Restores the invariants after any join or departure:
//  * zone count == clamp(peers / zone_size_min, 1, target), zones numbered 0..count-1
//    (jump consistent hashing then moves only the files of an added or removed last zone);
//  * every zone has >= zone_size_min members whenever there are >= zone_size_min peers.
void Tracker::rebalance() {
  if (m_peers.empty()) return;
  const std::uint32_t wanted = zone_count_wanted(m_peers.size());
  while (m_zones.size() > wanted) {  // dissolve the last zone into the smallest others
    const ZoneId last = static_cast<ZoneId>(m_zones.size() - 1);
    std::vector<PeerId> evicted = m_zones[last];
    m_by_size.erase({evicted.size(), last});
    m_zones.pop_back();
    for (PeerId p : evicted) {
      m_peers.at(p).zone = no_zone;
      place(p, smallest_zone());
      notify(p);
    }
  }
  while (m_zones.size() < wanted) {  // open a zone and fill it from the largest ones
    const ZoneId fresh = static_cast<ZoneId>(m_zones.size());
    m_zones.emplace_back();
    m_by_size.emplace(0, fresh);
    while (m_zones[fresh].size() < m_config.zone_size_min) move(m_zones[largest_zone()].back(), fresh);
  }
  for (;;) {  // top up any zone that fell under the minimum from the largest zone
    const ZoneId small = smallest_zone();
    const ZoneId large = largest_zone();
    if (m_zones[small].size() >= m_config.zone_size_min || m_zones[large].size() <= m_config.zone_size_min) break;
    move(m_zones[large].back(), small);
  }
  ++m_epoch;
}

ZoneId Tracker::smallest_zone() const { return m_by_size.begin()->second; }

ZoneId Tracker::largest_zone() const { return m_by_size.rbegin()->second; }

void Tracker::notify(PeerId peer) {
  Record& r = m_peers.at(peer);
  if (r.notify_pending) return;
  r.notify_pending = true;
  m_notify.push_back(peer);
}

}  // namespace zonal
