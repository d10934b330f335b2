#include "zonal/peer.hpp"

#include <algorithm>
#include <span>

#include "zonal/hash.hpp"
#include "zonal/strategy.hpp"
#include "zonal/strategy_context.hpp"
#include "zonal/strategy_walk.hpp"

namespace zonal {

// docs/performance.md: a relay-only peer costs 96 bytes of object in two cache lines (on LP64
// targets), its seen ids inline, nothing on the heap; ten million of them must stay small.
static_assert(sizeof(void*) != 8 || sizeof(Peer) <= 96, "Peer must stay within 96 bytes (docs/performance.md)");

namespace {

/// True when every value of `config` is in range.
bool valid(const PeerConfig& config) noexcept {
  return config.seen_capacity > 0 && config.walk_ttl_hops_max > 0 && config.parked_walks_max > 0;
}

/// `config` with out-of-range values replaced by the nearest valid ones.
std::shared_ptr<const PeerConfig> normalised(std::shared_ptr<const PeerConfig> config) {
  if (!config) return std::make_shared<const PeerConfig>();
  if (valid(*config)) return config;
  auto fixed = std::make_shared<PeerConfig>(*config);
  fixed->seen_capacity = std::max<std::uint32_t>(fixed->seen_capacity, 1);
  fixed->walk_ttl_hops_max = std::max<std::uint16_t>(fixed->walk_ttl_hops_max, 1);
  fixed->parked_walks_max = std::max<std::uint32_t>(fixed->parked_walks_max, 1);
  return fixed;
}

/// `members` with the `count` highest rendezvous scores for `key` first, best first (the record
/// keepers of `key` when count is publish_replicas); count <= members.size().
std::vector<PeerId> rendezvous_top(std::span<const PeerId> members, FileKey key, std::uint32_t count) {
  std::vector<PeerId> out(members.begin(), members.end());
  std::partial_sort(out.begin(), out.begin() + count, out.end(), [key](PeerId a, PeerId b) {
    return rendezvous_score(key, a) > rendezvous_score(key, b);
  });
  return out;
}

/// Longest reverse path a hit may still travel: flood hits start at hops - 1 (a query's hops
/// are 8 bits), walk hits at the walk's TTL - 1 (cut to walk_ttl_hops_max on receipt).
std::uint16_t relays_cap(const PeerConfig& c) noexcept {
  return static_cast<std::uint16_t>(std::max<int>(254, c.walk_ttl_hops_max - 1));
}

}  // namespace

Peer::Peer(PeerId id, const PeerConfig& config, std::uint64_t rng_seed)
    : Peer(id, std::make_shared<const PeerConfig>(config), rng_seed) {}

Peer::Peer(PeerId id, std::shared_ptr<const PeerConfig> config, std::uint64_t rng_seed) : m_id(id) {
  Cold& c = cold();
  c.config = normalised(std::move(config));
  c.config_borrowed = c.config.get();
  c.rng_seed = rng_seed;
}

Peer::Peer(PeerId id, const PeerConfig* config, std::uint64_t rng_seed) : Peer(id, config) {
  cold().rng_seed = rng_seed;
}

Peer::Peer(PeerId id, const PeerConfig* config) : m_id(id) {
  static_assert(alignof(PeerConfig) > cold_bit && alignof(Cold) > cold_bit, "the home word's tag bits must be free");
  if (config != nullptr && valid(*config)) {
    m_sends.set_word(reinterpret_cast<std::uintptr_t>(config));
    return;
  }
  Cold& c = cold();  // nothing to borrow, or values to fix: own a normalised copy
  c.config = normalised(config != nullptr ? std::make_shared<const PeerConfig>(*config) : nullptr);
  c.config_borrowed = c.config.get();
}

Peer::Peer(Peer&& other) noexcept
    : m_seen(std::move(other.m_seen)),
      m_links(other.m_links),
      m_sends(std::move(other.m_sends)),
      m_id(other.m_id),
      m_overlay_count(other.m_overlay_count),
      m_zone_count(other.m_zone_count),
      m_zone(other.m_zone),
      m_rng_draws(other.m_rng_draws) {
  other.m_links = nullptr;  // the moved-from peer keeps no links, no cold state, no configuration
  other.m_overlay_count = 0;
  other.m_zone_count = 0;
}

Peer& Peer::operator=(Peer&& other) noexcept {
  if (this != &other) {
    delete cold_state();
    m_seen = std::move(other.m_seen);
    m_links = other.m_links;
    m_sends = std::move(other.m_sends);
    m_id = other.m_id;
    m_overlay_count = other.m_overlay_count;
    m_zone_count = other.m_zone_count;
    m_zone = other.m_zone;
    m_rng_draws = other.m_rng_draws;
    other.m_links = nullptr;
    other.m_overlay_count = 0;
    other.m_zone_count = 0;
  }
  return *this;
}

Peer::~Peer() { delete cold_state(); }

const FileIndex& Peer::no_files() noexcept {
  static const FileIndex none;
  return none;
}

void Peer::set_overlay_neighbours(std::vector<PeerId> neighbours) {
  const auto zone = zone_neighbours();  // still valid: the old links are replaced below
  const std::size_t overlay = neighbours.size();
  neighbours.insert(neighbours.end(), zone.begin(), zone.end());
  own_links(std::move(neighbours), overlay);
}

void Peer::set_zone_neighbours(std::vector<PeerId> neighbours) {
  const auto overlay = overlay_neighbours();
  std::vector<PeerId> links;
  links.reserve(overlay.size() + neighbours.size());
  links.assign(overlay.begin(), overlay.end());
  links.insert(links.end(), neighbours.begin(), neighbours.end());
  own_links(std::move(links), overlay.size());
}

void Peer::borrow_links(std::span<const PeerId> links, std::size_t overlay_count) {
  m_links = links.data();
  set_link_counts(overlay_count, links.size() - overlay_count);
  if (Cold* c = cold_state()) {
    std::vector<PeerId>().swap(c->links);
    free_cold_if_idle();
  }
}

void Peer::own_links(std::vector<PeerId> links, std::size_t overlay_count) {
  if (links.empty() && (cold_state() == nullptr || cold_state()->links.empty())) {  // nothing to own: keep no cold state for it
    m_links = nullptr;
    set_link_counts(0, 0);
    free_cold_if_idle();
    return;
  }
  links.shrink_to_fit();
  Cold& c = cold();
  c.links = std::move(links);
  m_links = c.links.data();
  set_link_counts(overlay_count, c.links.size() - overlay_count);
}

void Peer::set_link_counts(std::size_t overlay_count, std::size_t zone_count) {
  if (overlay_count < count_in_cold && zone_count < count_in_cold) {
    m_overlay_count = static_cast<std::uint16_t>(overlay_count);
    m_zone_count = static_cast<std::uint16_t>(zone_count);
    return;
  }
  Cold& c = cold();  // a hub: the counts do not fit the peer's 16-bit fields
  c.overlay_count = static_cast<std::uint32_t>(overlay_count);
  c.zone_count = static_cast<std::uint32_t>(zone_count);
  m_overlay_count = count_in_cold;
  m_zone_count = count_in_cold;
}

Peer::Cold& Peer::cold() {
  if (Cold* c = cold_state()) return *c;
  auto* c = new Cold;
  c->config_borrowed = reinterpret_cast<const PeerConfig*>(m_sends.word());
  m_sends.set_word(reinterpret_cast<std::uintptr_t>(c) | cold_bit);
  return *c;
}

// Relay-only peers keep no cold state: freed once nothing in it is in use.
void Peer::free_cold_if_idle() noexcept {
  Cold* c = cold_state();
  if (c == nullptr) return;
  if (c->config || c->rng_seed || c->rng_draws_high != 0 || c->directory || !c->links.empty() ||
      c->query_counter != 0 || c->origin || !c->index.local().empty() || c->index.record_count() != 0)
    return;
  if (m_overlay_count == count_in_cold || m_zone_count == count_in_cold) return;
  m_sends.set_word(reinterpret_cast<std::uintptr_t>(c->config_borrowed));
  delete c;
}

// The stream's state after m_rng_draws draws is derived from its seed (Rng::after): the peer
// keeps a count, not the 8-byte state.
std::uint32_t Peer::random_below(std::uint32_t bound) {
  const Cold* c = cold_state();
  const std::uint64_t seed = c != nullptr && c->rng_seed ? *c->rng_seed : mix64(config().rng_seed_base ^ m_id);
  const std::uint64_t high = c != nullptr ? c->rng_draws_high : 0;
  const std::uint32_t value = Rng::after(seed, (high << 32) | m_rng_draws).below(bound);
  if (++m_rng_draws == 0) ++cold().rng_draws_high;
  return value;
}

Peer::OriginState& Peer::origin_state() {
  Cold& c = cold();
  if (!c.origin) c.origin = std::make_unique<OriginState>();
  return *c.origin;
}

void Peer::connect_tracker(TimeUs /*now*/, PeerId tracker) { send(tracker, Register{}); }

void Peer::handle_zone_directory(TimeUs /*now*/, std::shared_ptr<const ZoneDirectory> directory) {
  const std::uint32_t old_count = this->directory() ? this->directory()->zone_count() : 0;
  if (!directory && cold_state() == nullptr) return;
  Cold& c = cold();
  c.directory = std::move(directory);
  if (!c.directory) {
    free_cold_if_idle();
    return;
  }
  if (c.directory->zone_count() == old_count) return;
  for (FileKey key : c.index.local()) publish(key);
}

Arrival Peer::handle_other(TimeUs now, PeerId from, const Message& msg) {
  if (const auto* h = std::get_if<QueryHit>(&msg)) return handle_hit(now, *h);
  if (const auto* w = std::get_if<Walk>(&msg)) return handle_walk(now, from, *w);
  if (const auto* c = std::get_if<WalkCheck>(&msg)) {
    StrategyContext ctx{*this};
    walk_on_check(ctx, now, from, *c);
    return Arrival::accepted;
  }
  if (const auto* r = std::get_if<WalkCheckReply>(&msg)) {
    StrategyContext ctx{*this};
    return walk_on_reply(ctx, now, *r) ? Arrival::accepted : Arrival::dropped;
  }
  if (const auto* p = std::get_if<Publish>(&msg)) {
    const TimeUs ttl_us = config().record_ttl_us;
    cold().index.add_record(p->key, p->holder, ttl_us > 0 ? now + ttl_us : 0);
    return Arrival::accepted;
  }
  if (const auto* a = std::get_if<ZoneAssignment>(&msg)) {
    handle_zone_assignment(now, *a);
    return Arrival::accepted;
  }
  return Arrival::dropped;  // Register/Heartbeat/Leave are for trackers
}

Arrival Peer::handle_fresh_query(TimeUs now, PeerId from, const Query& q) {
  if (query_id_reserved(q.query_id)) return Arrival::dropped;  // id 0 would never count as seen
  const PeerConfig& c = config();
  m_seen.insert(q.query_id, from, now, c.seen_capacity, c.query_timeout_us);
  Query capped = q;
  capped.ttl_hops = std::min(q.ttl_hops, ttl_hops_max);
  StrategyContext ctx{*this};
  strategy_handler(q.strategy).on_query(ctx, now, from, capped);
  return Arrival::fresh;
}

// Revisits are not dropped like flood duplicates: a walker goes on from every peer it visits.
Arrival Peer::handle_walk(TimeUs now, PeerId from, const Walk& walk) {
  if (query_id_reserved(walk.query_id)) return Arrival::dropped;
  const bool first = m_seen.find(walk.query_id) == nullptr;
  if (first) mark_seen(now, walk.query_id, from);
  StrategyContext ctx{*this};
  if (walk.ttl_hops > config().walk_ttl_hops_max) {
    Walk capped = walk;
    capped.ttl_hops = config().walk_ttl_hops_max;
    walk_on_step(ctx, now, from, capped);
  } else {
    walk_on_step(ctx, now, from, walk);
  }
  return first ? Arrival::fresh : Arrival::revisit;
}

void Peer::mark_seen(TimeUs now, QueryId id, PeerId from) {
  const PeerConfig& c = config();
  m_seen.insert(id, from, now, c.seen_capacity, c.query_timeout_us);
}

void Peer::park_walk(TimeUs now, PeerId from, const Walk& walk) {
  auto& parked = origin_state().parked;
  const TimeUs expiry = config().query_timeout_us;
  std::erase_if(parked, [now, expiry](const ParkedWalk& p) { return now - p.parked_us > expiry; });
  if (parked.size() >= config().parked_walks_max) parked.erase(parked.begin());  // oldest first
  parked.push_back(ParkedWalk{walk, from, now});
}

std::optional<ParkedWalk> Peer::unpark_walk(QueryId query_id) {
  Cold* c = cold_state();
  if (c == nullptr || !c->origin) return std::nullopt;
  auto& parked = c->origin->parked;
  auto it = std::find_if(parked.begin(), parked.end(),
                         [query_id](const ParkedWalk& p) { return p.walk.query_id == query_id; });
  if (it == parked.end()) return std::nullopt;
  const ParkedWalk taken = *it;
  parked.erase(it);
  return taken;  // an idle origin state is freed by the next poll_event()
}

Arrival Peer::handle_hit(TimeUs now, const QueryHit& hit) {
  if (OpenSearch* o = find_search(hit.query_id)) {
    origin_state().events.emplace_back(HitEvent{o->query_id, o->key, hit.holder, hit.responder, hit.hops,
                                   now - o->started_us, o->hits});
    ++o->hits;
    return Arrival::accepted;
  }
  const PeerId* prev_hop = m_seen.find(hit.query_id);
  if (prev_hop == nullptr || *prev_hop == no_peer) return Arrival::dropped;  // path forgotten or query finished
  const std::uint16_t relays = std::min(hit.relays_left, relays_cap(config()));  // hostile values cut
  if (relays == 0) return Arrival::dropped;  // longer than the query's own path: a loop
  QueryHit next = hit;
  next.relays_left = static_cast<std::uint16_t>(relays - 1);
  send(*prev_hop, next);
  return Arrival::accepted;
}

void Peer::handle_zone_assignment(TimeUs /*now*/, const ZoneAssignment& a) {
  if (a.zone == m_zone) return;
  m_zone = a.zone;
  origin_state().events.emplace_back(ZoneChangedEvent{a.zone, a.zone_count});
}

void Peer::handle_timeout(TimeUs now) {
  if (Cold* c = cold_state(); c != nullptr && c->origin) {
    auto& pending = c->origin->open_searches;
    for (auto& s : pending) {  // strategy timers (expanding ring: the next ring)
      if (s.wake_us > now || s.deadline_us <= now) continue;
      s.wake_us = never_us;
      if (const auto wake = strategy_handler(s.strategy).on_wake) {
        StrategyContext ctx{*this};
        wake(ctx, now, s);
      }
    }
    auto done = std::stable_partition(pending.begin(), pending.end(),
                                      [now](const OpenSearch& o) { return o.deadline_us > now; });
    for (auto it = done; it != pending.end(); ++it) c->origin->events.emplace_back(QueryDoneEvent{it->query_id, it->hits});
    pending.erase(done, pending.end());
  }
}

void Peer::forget_expired(TimeUs now) {
  const TimeUs expiry = config().query_timeout_us;
  m_seen.expire(now, expiry);
  if (Cold* c = cold_state(); c != nullptr && c->origin)
    std::erase_if(c->origin->parked, [now, expiry](const ParkedWalk& p) { return now - p.parked_us > expiry; });
}

std::size_t Peer::expire_records(TimeUs now) {
  Cold* c = cold_state();
  if (c == nullptr) return 0;
  const std::size_t dropped = c->index.expire_records(now);
  free_cold_if_idle();
  return dropped;
}

void Peer::leave(TimeUs /*now*/, PeerId tracker) {
  if (tracker != no_peer) send(tracker, Leave{});
}

void Peer::republish(TimeUs /*now*/) {
  if (directory() == nullptr) return;
  for (FileKey key : index().local()) publish(key);
}

void Peer::share(TimeUs /*now*/, FileKey key) {
  if (index().has_local(key)) return;
  cold().index.add_local(key);
  if (directory() != nullptr) publish(key);
}

QueryId Peer::search(TimeUs now, FileKey key, Strategy strategy, SearchParams params) {
  return search_with_ids(now, key, strategy, params, 0);
}

QueryId Peer::search_with_ids(TimeUs now, FileKey key, Strategy strategy, SearchParams params, QueryId first_id) {
  params = bounded(params, config());
  const std::uint32_t ids = search_id_count(strategy, params);
  const auto counter = static_cast<std::uint32_t>(first_id);
  const bool usable = query_origin(first_id) == m_id && counter != 0 && counter <= 0xFFFFFFFFu - ids;
  QueryId id = first_id;
  if (!usable) {
    std::uint32_t& counter_now = cold().query_counter;
    id = (static_cast<QueryId>(m_id) << 32) | (counter_now + 1);
    counter_now += ids;  // the search owns ids [id, id + ids)
  }
  mark_seen(now, id, no_peer);
  origin_state().open_searches.push_back(
      OpenSearch{id, key, now, now + config().query_timeout_us, 0, ids, strategy, 0, params, never_us});
  Query q{id, key, m_id, params.ttl_hops, 1, strategy, Scope::overlay};
  StrategyContext ctx{*this};
  strategy_handler(strategy).start(ctx, now, q);
  return id;
}

std::optional<TimeUs> Peer::next_timeout() const noexcept {
  std::optional<TimeUs> t;
  if (const Cold* c = cold_state(); c != nullptr && c->origin)
    for (const auto& o : c->origin->open_searches) {
      const TimeUs due = std::min(o.deadline_us, o.wake_us);
      t = t ? std::min(*t, due) : due;
    }
  return t;
}

std::optional<PeerEvent> Peer::next_event() {
  Cold& c = *cold_state();
  OriginState& origin = *c.origin;
  if (origin.events_head == origin.events.size()) {
    if (origin.open_searches.empty() && origin.parked.empty()) {
      c.origin.reset();  // idle again: relay-only peers keep no origin state
      free_cold_if_idle();
    } else {
      origin.events.clear();
      origin.events_head = 0;
    }
    return std::nullopt;
  }
  return origin.events[origin.events_head++];
}

bool Peer::answer(PeerId from, const Query& q) {
  return answer_key(from, q.query_id, q.key, q.hops, static_cast<std::uint16_t>(q.hops > 0 ? q.hops - 1 : 0));
}

bool Peer::answer_key(PeerId from, QueryId query_id, FileKey key, std::uint8_t hops, std::uint16_t relays) {
  PeerId holder = no_peer;
  if (const Cold* c = cold_state(); c == nullptr) {
    return false;  // holds no files and no records
  } else if (c->index.has_local(key)) {
    holder = m_id;
  } else if (auto h = c->index.record_holder(key)) {
    holder = *h;
  }
  if (holder == no_peer) return false;
  send(from, QueryHit{query_id, holder, m_id, hops, relays});
  return true;
}

void Peer::forward(PeerId from, const Query& q) {
  if (q.ttl_hops <= 1) return;
  Query next = q;
  next.ttl_hops = static_cast<std::uint8_t>(q.ttl_hops - 1);
  next.hops = static_cast<std::uint8_t>(q.hops + 1);
  const std::span<const PeerId> links = q.scope == Scope::overlay ? overlay_neighbours() : zone_neighbours();
  m_sends.push_broadcast(links, from, next);
}

void Peer::local_hit(TimeUs now, QueryId id, FileKey key, PeerId holder) {
  if (OpenSearch* o = find_search(id)) {
    origin_state().events.emplace_back(HitEvent{o->query_id, key, holder, m_id, 0, now - o->started_us, o->hits});
    ++o->hits;
  }
}

void Peer::fail_search(QueryId id, const char* reason) {
  origin_state().events.emplace_back(SearchFailedEvent{id, reason});
  std::erase_if(origin_state().open_searches, [id](const OpenSearch& o) { return o.query_id == id; });
}

PeerId Peer::pick_zone_member(ZoneId zone, FileKey key) {
  if (directory() == nullptr) return no_peer;
  const auto members = directory()->members(zone);
  if (members.empty()) return no_peer;
  if (config().zone_placement == ZonePlacement::rendezvous) {
    const std::uint32_t keepers = std::min<std::uint32_t>(config().publish_replicas, static_cast<std::uint32_t>(members.size()));
    if (config().zone_entry == ZoneEntry::any_keeper && keepers > 1) {
      const std::vector<PeerId> top = rendezvous_top(members, key, keepers);
      return top[random_below(keepers)];
    }
    PeerId best = no_peer;
    std::uint64_t best_score = 0;
    for (PeerId m : members) {
      const std::uint64_t s = rendezvous_score(key, m);
      if (best == no_peer || s > best_score) best = m, best_score = s;
    }
    return best;
  }
  return members[random_below(static_cast<std::uint32_t>(members.size()))];
}

void Peer::publish(FileKey key) {
  const ZoneId home = home_zone(key, directory()->zone_count());
  const auto members = directory()->members(home);
  if (members.empty()) return;
  const std::uint32_t replicas = std::min<std::uint32_t>(config().publish_replicas, static_cast<std::uint32_t>(members.size()));
  std::vector<PeerId> chosen;
  if (config().zone_placement == ZonePlacement::rendezvous) {
    chosen = rendezvous_top(members, key, replicas);
  } else {
    chosen.assign(members.begin(), members.end());
    for (std::uint32_t i = 0; i < replicas; ++i)  // partial Fisher-Yates with this peer's stream
      std::swap(chosen[i], chosen[i + random_below(static_cast<std::uint32_t>(chosen.size() - i))]);
  }
  for (std::uint32_t i = 0; i < replicas; ++i) {
    if (chosen[i] == m_id) {
      cold().index.add_record(key, m_id);
    } else {
      send(chosen[i], Publish{key, m_id});
    }
  }
}

OpenSearch* Peer::find_search(QueryId id) noexcept {
  Cold* c = cold_state();
  if (c == nullptr || !c->origin) return nullptr;
  for (auto& o : c->origin->open_searches)
    if (id - o.query_id < o.id_count) return &o;  // unsigned: also false for id < o.query_id
  return nullptr;
}

}  // namespace zonal
