#include "chord_runtime.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <map>
#include <set>

#include "clock.hpp"
#include "core_timer.hpp"
#include "io_loop.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/chord_node.hpp"

namespace zonal::node {

namespace asio = boost::asio;

namespace {

constexpr auto retry_interval = std::chrono::milliseconds(500);  ///< between join attempts and store retries

const char* state_name(ChordState s) {
  switch (s) {
    case ChordState::idle: return "idle";
    case ChordState::joining: return "joining";
    case ChordState::member: return "member";
    case ChordState::left: return "left";
  }
  return "unknown";
}

const char* status_name(ChordStatus s) {
  switch (s) {
    case ChordStatus::ok: return "ok";
    case ChordStatus::no_route: return "no route";
    case ChordStatus::hop_limit: return "hop limit";
    case ChordStatus::timeout: return "timeout";
    case ChordStatus::not_member: return "not a ring member";
  }
  return "unknown";
}

}  // namespace

struct ChordRuntime::Impl {
  struct PendingFind {
    FileKey key = 0;
    std::function<void(SearchOutcome)> done;
  };

  Impl(const std::string& addr, PeerId peer, const ChordConfig& config, std::uint64_t seed, TimeUs republish,
       ChordTransport& t, EventSink& e, QueryIdAllocator& i)
      : address(addr), node(ChordRef::make(chord_id_draw(addr, config.id_bits, 0), peer), config, seed), republish_us(republish), transport(t), events(e), ids(i), core_timer(loop.io()),
        retry_timer(loop.io()), republish_timer(loop.io()) {}

  MonotonicClock clock;
  std::string address;  ///< the advertised address the node's ids are drawn from
  ChordNode node;
  TimeUs republish_us;
  ChordTransport& transport;
  EventSink& events;
  QueryIdAllocator& ids;
  IoLoop loop;
  CoreTimer core_timer;              ///< the node's poll_timeout()
  asio::steady_timer retry_timer;    ///< next join attempt or store retry
  asio::steady_timer republish_timer;
  bool retry_armed = false;
  Candidates candidates;
  std::uint32_t joins = 0;
  std::uint32_t id_draw = 0;  ///< the draw `node`'s id comes from
  bool gave_up = false;       ///< no free id in chord_id_draws_max draws: no more joins
  std::set<FileKey> files;                          ///< every key this node shares
  std::set<FileKey> failed_stores;                  ///< stores to retry
  std::map<ChordLookupId, PendingFind> finds;
  std::map<ChordLookupId, FileKey> stores;
  std::uint64_t records_expired = 0;

  PeerId self_peer() const { return node.self().peer; }
  /// Lookup ids are the low half of query ids from the node's allocator (never 0).
  ChordLookupId next_lookup() { return static_cast<ChordLookupId>(ids.take()); }

  void drain();
  void on_event(const ChordEvent& ev);
  void on_done(const ChordLookupDone& d);
  void arm_timer();
  void arm_retry();
  void arm_republish();
  void try_join();
  void redraw_id();
  void store_now(FileKey key);
  void fail_all(const std::string& why);
};

void ChordRuntime::Impl::drain() {
  bool more = true;
  while (more) {  // handling an event may issue commands (stores once joined): drain until quiet
    more = false;
    while (auto t = node.poll_transmit()) {
      transport.send_chord(t->to, t->msg);
      more = true;
    }
    while (auto ev = node.poll_event()) {
      on_event(*ev);
      more = true;
    }
  }
  arm_timer();
}

void ChordRuntime::Impl::on_event(const ChordEvent& ev) {
  if (const auto* joined = std::get_if<ChordJoined>(&ev)) {
    spdlog::info("chord: on the ring as {:#018x}, successor peer {}", node.self().id(), joined->successor.peer);
    events.publish("chord.joined", {{"peer_id", self_peer()}, {"chord_id", node.self().id()}, {"successor", joined->successor.peer}});
    for (FileKey k : files) store_now(k);
    arm_republish();
  } else if (const auto* failed = std::get_if<ChordJoinFailed>(&ev)) {
    if (failed->id_taken) return redraw_id();
    spdlog::warn("chord: join attempt {} failed ({}); retrying", joins, failed->reason);
    arm_retry();
  } else if (const auto* s = std::get_if<ChordSuccessorChanged>(&ev)) {
    spdlog::info("chord: successor is now peer {} ({:#018x})", s->successor.peer, s->successor.id());
  } else if (const auto* p = std::get_if<ChordPredecessorChanged>(&ev)) {
    if (p->predecessor.valid()) spdlog::info("chord: predecessor is now peer {} ({:#018x})", p->predecessor.peer, p->predecessor.id());
    else spdlog::info("chord: predecessor lost");
  } else if (std::holds_alternative<ChordLeft>(ev)) {
    spdlog::info("chord: left the ring");
  } else if (const auto* done = std::get_if<ChordLookupDone>(&ev)) {
    on_done(*done);
  }
}

void ChordRuntime::Impl::on_done(const ChordLookupDone& d) {
  if (d.op == ChordOp::store) {
    const auto it = stores.find(d.lookup_id);
    if (it == stores.end()) return;
    const FileKey key = it->second;
    stores.erase(it);
    if (d.status == ChordStatus::ok) return;
    spdlog::debug("chord: store of key {:#018x} failed ({}); retrying", key, status_name(d.status));
    failed_stores.insert(key);
    return arm_retry();
  }
  const auto it = finds.find(d.lookup_id);
  if (it == finds.end()) return;
  PendingFind pending = std::move(it->second);
  finds.erase(it);
  SearchOutcome out{(std::uint64_t{self_peer()} << 32) | d.lookup_id, {}, {}, {}};
  if (d.status != ChordStatus::ok) {
    out.error = std::string("chord lookup failed: ") + status_name(d.status);
  } else {
    out.lookup = ChordLookupFacts{d.successor.peer, d.hops, d.messages};
    const std::size_t listed = std::min<std::size_t>(d.holders, d.holder.size());
    for (std::size_t i = 0; i < listed; ++i)
      if (d.holder[i] != no_peer) out.hits.push_back(SearchHit{d.holder[i], d.successor.peer, d.hops, d.elapsed_us / 1000.0});
  }
  pending.done(std::move(out));
}

void ChordRuntime::Impl::arm_timer() {
  core_timer.arm(node, clock, [this] { drain(); });
}

void ChordRuntime::Impl::arm_retry() {
  if (retry_armed || loop.stopped()) return;
  retry_armed = true;
  retry_timer.expires_after(retry_interval);
  retry_timer.async_wait([this](const boost::system::error_code& ec) {
    retry_armed = false;
    if (ec) return;
    if (node.state() == ChordState::idle) return try_join();
    if (node.state() != ChordState::member) return;
    auto keys = std::move(failed_stores);
    failed_stores.clear();
    for (FileKey k : keys) store_now(k);
    drain();
  });
}

void ChordRuntime::Impl::arm_republish() {
  if (republish_us <= 0 || loop.stopped()) return;
  republish_timer.expires_after(std::chrono::microseconds(republish_us));
  republish_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || node.state() != ChordState::member) return;
    records_expired += node.expire_records(clock.now_us());
    for (FileKey k : files) store_now(k);
    drain();
    arm_republish();
  });
}

// Another member holds our id (the join lookup ended at it): take the next draw and join again.
// Bounded, so a peer that keeps answering with our own id cannot keep us drawing forever.
void ChordRuntime::Impl::redraw_id() {
  const ChordId taken = node.self().id();
  if (id_draw + 1 >= chord_id_draws_max) {
    gave_up = true;
    spdlog::error("chord: id {:#018x} is taken and no free ring id was found in {} draws (chord.id_bits {} too small "
                  "for this ring, or a peer keeps claiming our ids); this node stays off the ring",
                  taken, chord_id_draws_max, node.config().id_bits);
    return;
  }
  ++id_draw;
  node.set_id(chord_id_draw(address, node.config().id_bits, id_draw));
  spdlog::warn("chord: id {:#018x} is taken by another member; draw {} gives id {:#018x}", taken, id_draw,
               node.self().id());
  arm_retry();
}

void ChordRuntime::Impl::try_join() {
  if (node.state() != ChordState::idle || gave_up) return;
  std::vector<ChordRef> others;
  for (const ChordRef& c : candidates())
    if (c.valid() && c.peer != self_peer()) others.push_back(c);
  const TimeUs now = clock.now_us();
  // Members joining through each other would wait forever: once every candidate has been tried
  // in vain, the lowest peer id among them and this node creates the ring.
  const bool lowest = std::all_of(others.begin(), others.end(), [this](const ChordRef& c) { return self_peer() < c.peer; });
  if (others.empty() || (joins >= others.size() && lowest)) {
    spdlog::info("chord: {}: creating the ring", others.empty() ? "no other member in the directory" : "no member answered a join");
    node.create(now);
  } else {
    const ChordRef via = others[joins % others.size()];
    spdlog::info("chord: joining through peer {}", via.peer);
    node.join(now, via);
  }
  ++joins;
  drain();
}

void ChordRuntime::Impl::store_now(FileKey key) {
  const ChordLookupId id = next_lookup();
  stores[id] = key;
  node.store(clock.now_us(), key, self_peer(), id);
}

void ChordRuntime::Impl::fail_all(const std::string& why) {
  auto pending = std::move(finds);
  finds.clear();
  for (auto& [id, f] : pending) f.done(SearchOutcome{(std::uint64_t{self_peer()} << 32) | id, {}, why, {}});
}

ChordRuntime::ChordRuntime(const std::string& address, PeerId peer, const ChordConfig& config, std::uint64_t rng_seed,
                           TimeUs republish_us, ChordTransport& transport, EventSink& events, QueryIdAllocator& ids)
    : m_impl(std::make_unique<Impl>(address, peer, config, rng_seed, republish_us, transport, events, ids)) {}

ChordRuntime::~ChordRuntime() { stop(); }

void ChordRuntime::start(Candidates candidates) {
  m_impl->loop.post([impl = m_impl.get(), candidates = std::move(candidates)]() mutable {
    impl->candidates = std::move(candidates);
    impl->try_join();
  });
}

std::optional<Arrival> ChordRuntime::deliver(PeerId from, const ChordMessage& msg, std::chrono::milliseconds wait) {
  return m_impl->loop.call(
      [impl = m_impl.get(), from, msg] {
        const Arrival a = impl->node.handle_message(impl->clock.now_us(), from, msg);
        if (a != Arrival::dropped) impl->drain();
        return a;
      },
      wait);
}

void ChordRuntime::store(FileKey key) {
  m_impl->loop.post([impl = m_impl.get(), key] {
    impl->files.insert(key);
    if (impl->node.state() != ChordState::member) return;  // stored once joined
    impl->store_now(key);
    impl->drain();
  });
}

QueryId ChordRuntime::find(FileKey key, std::function<void(SearchOutcome)> done) {
  const QueryId qid = m_impl->ids.take();
  const auto id = static_cast<ChordLookupId>(qid);
  if (m_impl->loop.stopped()) {
    done(SearchOutcome{qid, {}, "node is shutting down", {}});
    return qid;
  }
  m_impl->loop.post([impl = m_impl.get(), key, id, qid, done = std::move(done)]() mutable {
    Impl& m = *impl;
    if (m.node.state() != ChordState::member)
      return done(SearchOutcome{qid, {}, std::string("chord: this node is not on a ring (") + state_name(m.node.state()) + ")", {}});
    m.finds.emplace(id, Impl::PendingFind{key, std::move(done)});
    m.node.find(m.clock.now_us(), key, id);
    m.drain();
  });
  return qid;
}

void ChordRuntime::leave(std::chrono::milliseconds wait) {
  m_impl->loop.call(
      [impl = m_impl.get()] {
        if (impl->node.state() != ChordState::member) return false;
        impl->node.leave(impl->clock.now_us());
        impl->drain();
        impl->fail_all("node left the ring");
        return true;
      },
      wait);
}

ChordRuntimeState ChordRuntime::state() {
  return m_impl
      ->loop.call([impl = m_impl.get()] {
        const ChordNode& n = impl->node;
        ChordRuntimeState s;
        s.state = state_name(n.state());
        s.self = n.self();
        s.successor = n.state() == ChordState::member ? n.successor() : ChordRef{};
        s.predecessor = n.predecessor();
        s.successors.assign(n.table().successors().begin(), n.table().successors().end());
        s.records = n.records().size();
        s.records_expired = impl->records_expired;
        s.fingers = n.table().fingers().size();
        s.finger_refs.assign(n.table().fingers().begin(), n.table().fingers().end());
        s.joins = impl->joins;
        s.id_draw = impl->id_draw;
        s.gave_up = impl->gave_up;
        return s;
      })
      .value_or(ChordRuntimeState{});
}

void ChordRuntime::stop() {
  m_impl->loop.stop([impl = m_impl.get()] {
    impl->core_timer.cancel();
    impl->retry_timer.cancel();
    impl->republish_timer.cancel();
    impl->fail_all("node is shutting down");
  });
}

}  // namespace zonal::node
