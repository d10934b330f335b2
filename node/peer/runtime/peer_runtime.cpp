#include "peer_runtime.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <unordered_map>

#include "core_timer.hpp"
#include "io_loop.hpp"
#include "zonal/strategy.hpp"
#include "zonal/peer.hpp"

namespace zonal::node {

namespace asio = boost::asio;

struct PeerRuntime::Impl {
  struct PendingSearch {
    FileKey key = 0;
    SearchOutcome outcome;
    std::function<void(SearchOutcome)> done;
    std::function<void(const SearchHit&)> on_hit;
  };

  Impl(PeerId id, const PeerConfig& config, std::uint64_t seed, Transport& t, EventSink& e, QueryIdAllocator& i)
      : peer(id, config, seed), transport(t), events(e), ids(i), core_timer(loop.io()), expiry_timer(loop.io()),
        republish_timer(loop.io()) {}

  MonotonicClock clock;
  Peer peer;
  Transport& transport;
  EventSink& events;
  QueryIdAllocator& ids;
  IoLoop loop;
  CoreTimer core_timer;
  asio::steady_timer expiry_timer;  ///< ages the core's seen table, parked walkers and index records when traffic stops
  asio::steady_timer republish_timer;  ///< renews this node's own index records (zones.record_ttl_ms / 3)
  std::uint64_t records_expired = 0;
  QueryStats stats;
  std::unordered_map<QueryId, PendingSearch> searches;
  std::chrono::milliseconds send_delay{0};

  template <class Fn>
  auto call(Fn fn, std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    return loop.call(std::move(fn), wait);
  }

  void drain();
  void send(PeerId to, const Message& msg);
  void on_event(const PeerEvent& ev);
  void arm_timer();
  void fail_all(const std::string& why);
  void arm_expiry();
  void arm_republish();
};

void PeerRuntime::Impl::arm_expiry() {
  expiry_timer.expires_after(std::chrono::seconds(1));
  expiry_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // stopped
    peer.forget_expired(clock.now_us());
    records_expired += peer.expire_records(clock.now_us());
    arm_expiry();
  });
}

void PeerRuntime::Impl::arm_republish() {
  const TimeUs ttl_us = peer.config().record_ttl_us;
  if (ttl_us <= 0) return;  // records never lapse
  republish_timer.expires_after(std::chrono::microseconds(ttl_us / 3));
  republish_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // stopped
    peer.republish(clock.now_us());
    drain();
    arm_republish();
  });
}

void PeerRuntime::Impl::drain() {
  while (auto t = peer.poll_transmit()) {
    if (const auto* q = std::get_if<Query>(&t->msg)) {
      ++stats.at(q->query_id, q->key).sent;
    } else if (const auto* h = std::get_if<QueryHit>(&t->msg)) {
      if (auto* c = stats.find(h->query_id)) ++c->hit_messages;
    }
    send(t->to, t->msg);
  }
  while (auto ev = peer.poll_event()) on_event(*ev);
  arm_timer();
}

void PeerRuntime::Impl::send(PeerId to, const Message& msg) {
  if (send_delay.count() == 0) return transport.send(to, msg);
  auto timer = std::make_shared<asio::steady_timer>(loop.io(), send_delay);
  timer->async_wait([this, timer, to, msg](const boost::system::error_code& ec) {
    if (!ec) transport.send(to, msg);  // cancelled only when the loop stops
  });
}

void PeerRuntime::Impl::on_event(const PeerEvent& ev) {
  if (const auto* hit = std::get_if<HitEvent>(&ev)) {
    auto& c = stats.at(hit->query_id, hit->key);
    ++c.hits;
    c.holder_hits += hit->holder == hit->responder;
    if (auto it = searches.find(hit->query_id); it != searches.end()) {
      const SearchHit h{hit->holder, hit->responder, hit->hops, hit->elapsed_us / 1000.0};
      it->second.outcome.hits.push_back(h);
      if (it->second.on_hit) it->second.on_hit(h);
    }
  } else if (const auto* done = std::get_if<QueryDoneEvent>(&ev)) {
    auto it = searches.find(done->query_id);
    if (it == searches.end()) return;
    auto pending = std::move(it->second);
    searches.erase(it);
    pending.done(std::move(pending.outcome));
  } else if (const auto* failed = std::get_if<SearchFailedEvent>(&ev)) {
    auto it = searches.find(failed->query_id);
    if (it == searches.end()) return;
    auto pending = std::move(it->second);
    searches.erase(it);
    pending.outcome.error = failed->reason;
    pending.done(std::move(pending.outcome));
  } else if (const auto* moved = std::get_if<ZoneChangedEvent>(&ev)) {
    spdlog::info("now in zone {} of {}", moved->zone, moved->zone_count);
    events.publish("zone.changed", {{"peer_id", peer.id()}, {"zone", moved->zone}, {"zone_count", moved->zone_count}});
  }
}

void PeerRuntime::Impl::arm_timer() {
  core_timer.arm(peer, clock, [this] { drain(); });
}

void PeerRuntime::Impl::fail_all(const std::string& why) {
  auto pending = std::move(searches);
  searches.clear();
  for (auto& [id, s] : pending) {
    s.outcome.error = why;
    s.done(std::move(s.outcome));
  }
}

PeerRuntime::PeerRuntime(PeerId id, const PeerConfig& config, std::uint64_t rng_seed, Transport& transport,
                         EventSink& events, QueryIdAllocator& ids)
    : m_impl(std::make_unique<Impl>(id, config, rng_seed, transport, events, ids)) {
  m_impl->loop.post([impl = m_impl.get()] {
    impl->arm_expiry();
    impl->arm_republish();
  });
}

std::size_t PeerRuntime::backlog() const noexcept { return m_impl->loop.queued(); }

std::uint64_t PeerRuntime::abandoned() const noexcept { return m_impl->loop.abandoned(); }

PeerRuntime::~PeerRuntime() { stop(); }

void PeerRuntime::set_send_delay(std::chrono::milliseconds delay) {
  m_impl->loop.post([impl = m_impl.get(), delay] { impl->send_delay = delay; });
}

void PeerRuntime::stop() {
  m_impl->loop.stop([impl = m_impl.get()] {
    impl->core_timer.cancel();
    impl->expiry_timer.cancel();
    impl->republish_timer.cancel();
    impl->fail_all("node is shutting down");
  });
}

std::optional<Arrival> PeerRuntime::deliver(PeerId from, const Message& msg, std::chrono::milliseconds wait) {
  return m_impl->call(
      [impl = m_impl.get(), from, msg] {
        Impl& m = *impl;
        const Arrival a = m.peer.handle_message(m.clock.now_us(), from, msg);
        if (const auto* q = std::get_if<Query>(&msg)) {
          auto& c = m.stats.at(q->query_id, q->key);
          if (a == Arrival::fresh) ++c.fresh, c.first_hops = q->hops;
          c.duplicates += a == Arrival::duplicate;
          // A copy that travelled fewer links than the first one overtook nothing: arrival order
          // differed from hop order (what a constant-latency simulation assumes).
          c.hop_inversions += a == Arrival::duplicate && c.fresh > 0 && q->hops < c.first_hops;
        } else if (const auto* h = std::get_if<QueryHit>(&msg)) {
          auto& c = m.stats.at(h->query_id, 0);
          ++c.hit_arrivals;
          c.hits_dropped += a == Arrival::dropped;
        } else if (const auto* w = std::get_if<Walk>(&msg)) {  // walkers: revisits count as duplicates
          auto& c = m.stats.at(w->query_id, w->key);
          c.fresh += a == Arrival::fresh;
          c.duplicates += a == Arrival::revisit;
        }
        if (a != Arrival::duplicate && a != Arrival::dropped) m.drain();
        return a;
      },
      wait);
}

void PeerRuntime::share(FileKey key) {
  m_impl->loop.post([impl = m_impl.get(), key] {
    impl->peer.share(impl->clock.now_us(), key);
    impl->drain();
  });
}

QueryId PeerRuntime::search(FileKey key, Strategy strategy, SearchParams params, std::function<void(SearchOutcome)> done,
                            std::function<void(const SearchHit&)> on_hit) {
  params = bounded(params, m_impl->peer.config());  // the config never changes: safe from any thread
  const QueryId id = m_impl->ids.take(search_id_count(strategy, params));
  if (m_impl->loop.stopped()) {
    done(SearchOutcome{id, {}, "node is shutting down", {}});
    return id;
  }
  m_impl->loop.post([impl = m_impl.get(), id, key, strategy, params, done = std::move(done), on_hit = std::move(on_hit)]() mutable {
    Impl& m = *impl;
    // Register the pending search before the core can report on it.
    m.searches.emplace(id, Impl::PendingSearch{key, SearchOutcome{id, {}, {}, {}}, std::move(done), std::move(on_hit)});
    const QueryId ran = m.peer.search_with_ids(m.clock.now_us(), key, strategy, params, id);
    if (ran != id) {  // cannot happen with the node's allocator; keep the caller's id mapped anyway
      auto node = m.searches.extract(id);
      node.key() = ran;
      node.mapped().outcome.query_id = ran;
      m.searches.insert(std::move(node));
    }
    auto& c = m.stats.at(ran, key);
    c.origin = true;
    m.drain();
  });
  return id;
}

void PeerRuntime::install_directory(std::shared_ptr<const ZoneDirectory> directory, std::vector<PeerId> overlay,
                                    std::vector<PeerId> zone_links) {
  m_impl->loop.post([impl = m_impl.get(), directory = std::move(directory), overlay = std::move(overlay),
                          zone_links = std::move(zone_links)]() mutable {
    Impl& m = *impl;
    m.peer.set_overlay_neighbours(std::move(overlay));
    m.peer.set_zone_neighbours(std::move(zone_links));
    m.peer.handle_zone_directory(m.clock.now_us(), std::move(directory));
    m.drain();
  });
}

void PeerRuntime::assign_zone(ZoneAssignment assignment) {
  m_impl->loop.post([impl = m_impl.get(), assignment] {
    impl->peer.handle_zone_assignment(impl->clock.now_us(), assignment);
    impl->drain();
  });
}

std::vector<QueryCounters> PeerRuntime::counters() {
  return m_impl->call([impl = m_impl.get()] { return impl->stats.snapshot(); }).value_or(std::vector<QueryCounters>{});
}

RuntimeState PeerRuntime::state() {
  return m_impl
      ->call([impl = m_impl.get()] {
        const Peer& p = impl->peer;
        RuntimeState s;
        s.id = p.id();
        s.zone = p.zone();
        if (const ZoneDirectory* d = p.directory()) {
          s.zone_count = d->zone_count();
          s.epoch = d->epoch();
        }
        s.overlay.assign(p.overlay_neighbours().begin(), p.overlay_neighbours().end());
        s.zone_links.assign(p.zone_neighbours().begin(), p.zone_neighbours().end());
        s.records = p.index().record_count();
        s.records_expired = impl->records_expired;
        s.local_files = p.index().local().size();
        return s;
      })
      .value_or(RuntimeState{});
}

}  // namespace zonal::node
