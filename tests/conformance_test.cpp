// Conformance, "one protocol, two bodies": the simulator (constant latency) and 60 real zonal-node
// processes on loopback run the same 240 searches (80 each of flood, zone-flood and
// expanding-ring, TTL 5) on a random 60-peer overlay where the TTL cuts floods short and copies
// race along cycles. Compared per query: messages, duplicates, reached peers, hits, hit messages,
// the hops of every hit (and the first hit's), the rings an expanding ring used; and per peer and
// per query: first arrivals, query copies forwarded and, where they are determined (below),
// duplicates received and hit messages sent (answers and relays).
//
// Why the real counts can equal the simulator's although real arrival order is not constant:
//  * Under constant latency every copy that travelled k links arrives at k x latency, so each
//    peer's first copy is one that took a shortest path ("hop order"). A real run that kept hop
//    order at every peer produces the same first copies' TTLs, hence the same reached and
//    forwarding peers, the same copies, the same hits and hops. Real nodes detect the opposite:
//    `hop_inversions` in /api/queries counts later copies that travelled fewer links than the
//    first. Claim: if no peer saw an inversion, every peer's first copy took a shortest path.
//    (Take a peer v reached late with the smallest distance d; its shortest-path predecessor u
//    was reached in time, has TTL left since d <= TTL, and sends v a copy with fewer links than
//    v's first: an inversion at v.) The test re-asks (under a fresh query id) a search whose
//    real run saw an inversion, a dropped hit (one that came after the search's timeout) or, for
//    expanding ring, a ring started after the hit that should have stopped it: those runs are
//    not runs under constant latency, and the simulator's answer does not depend on the attempt.
//    A search never run cleanly in 6 attempts fails the test. To make hop order the usual order
//    on loopback, every node holds each protocol message it sends for an emulated latency
//    (net.latency_ms, 50 ms stretched by the machine's load), far above loopback's jitter.
//  * Within one hop layer the order is still free, and it decides which neighbour is a peer's
//    reverse-path parent, hence who receives duplicates and who relays hits. The overlay is a
//    random cactus of odd cycles (3, 5 or 7 peers), which is geodetic: every pair of peers has
//    one shortest path, so every peer has one possible parent and the per-peer duplicates and
//    hit messages are determined too. Zone links (degree 3, same links_seed in both bodies) are
//    a random graph, not geodetic: zone-flood is compared per peer on first arrivals and copies
//    forwarded only, and on every per-query total.
//  * Hits: real nodes always have the zone directory, so under flood index-record keepers
//    answer too, while the simulator's flood runs have no directory. With publish_replicas 1 and
//    rendezvous placement each file has one record keeper, and the test makes that keeper a
//    holder: it then answers as a holder, once, in both bodies.
//  * Every file is shared after the zones settled and before the first search; publication is
//    over when each node keeps the simulator's number of index records (checked, not slept).
//    Counters are read once every copy sent has arrived (sums of sent == arrivals), not after a
//    sleep. Deadlines scale with the machine's load (tests/support/time_scale.hpp).
// Chord lookups are compared in tests/conformance_chord_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cluster.hpp"
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"
#include "time_scale.hpp"
#include "zonal/hash.hpp"
#include "zonal/rng.hpp"
#include "zonal/strategy.hpp"
#include "zonal/strategy_ring.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;
constexpr std::uint32_t peers = 60;
constexpr std::uint32_t zones = 3;
constexpr std::uint64_t links_seed = 91;
constexpr std::uint64_t sim_seed = 11;
constexpr std::uint64_t draw_seed = 2026;
constexpr std::uint32_t ttl = 5;
constexpr std::uint32_t per_strategy = 80;
constexpr int attempts_max = 6;
const std::vector<std::string> strategies{"flood", "zone-flood", "expanding-ring"};

using Edge = std::pair<std::uint32_t, std::uint32_t>;

/// Random geodetic overlay: odd cycles of 3, 5 or 7 peers, each hung on a random earlier peer
/// (the last few peers a path if too few remain). Peers appear in the list in id order.
std::vector<Edge> cactus_edges() {
  Rng rng(draw_seed);
  std::vector<Edge> edges;
  std::uint32_t next = 1;
  while (next < peers) {
    const std::uint32_t anchor = rng.below(next);
    const std::uint32_t length = 3 + 2 * rng.below(3);
    std::uint32_t prev = anchor;
    if (peers - next < length - 1) {
      while (next < peers) edges.emplace_back(prev, next), prev = next++;
      break;
    }
    for (std::uint32_t k = 0; k + 1 < length; ++k) edges.emplace_back(prev, next), prev = next++;
    edges.emplace_back(prev, anchor);
  }
  return edges;
}

std::vector<std::vector<std::uint32_t>> neighbour_lists(const std::vector<Edge>& edges) {
  std::vector<std::vector<std::uint32_t>> out(peers);
  for (auto [a, b] : edges) out[a].push_back(b), out[b].push_back(a);
  return out;
}

/// What one body did for one search (a query id, and for expanding ring its ring ids).
struct PeerCounts {
  std::uint32_t fresh = 0, duplicates = 0, sent = 0, hit_sent = 0;
  bool operator==(const PeerCounts&) const = default;
};
struct QueryView {
  std::map<std::uint32_t, PeerCounts> peer;  ///< peers with any non-zero counter
  std::vector<int> hops;                     ///< hops of every hit, sorted
  std::uint32_t rings = 0;                   ///< ids the origin sent copies under
  std::uint32_t messages = 0, duplicates = 0, reached = 0, hit_messages = 0;
};

struct Search {
  std::uint32_t origin = 0;
  std::string name;
};

/// The search parameters both bodies use (ring waits aside).
SearchParams search_params() {
  SearchParams p;
  p.ttl_hops = static_cast<std::uint8_t>(ttl);
  p.ring_ttl_start = 1;
  p.ring_ttl_step = 2;
  return p;
}

void total(QueryView& v) {
  std::sort(v.hops.begin(), v.hops.end());
  for (const auto& [p, k] : v.peer) {
    v.messages += k.sent;
    v.duplicates += k.duplicates;
    v.reached += k.fresh;
    v.hit_messages += k.hit_sent;
  }
}

/// Simulator side: one run of `list` (queries far apart), viewed per search through the delivery tap.
std::vector<QueryView> simulate(const std::filesystem::path& dir, const std::string& strategy, const std::vector<Search>& list,
                                const json& placement, std::uint32_t timeout_ms, std::uint32_t ring_wait_ms,
                                std::vector<std::uint32_t>* records, std::vector<std::uint32_t>* zone_of) {
  json script = json::array();
  for (std::size_t i = 0; i < list.size(); ++i)
    script.push_back({{"origin", list[i].origin}, {"name", list[i].name}, {"at_ms", 10.0 * static_cast<double>(i)}});
  const json doc = {{"name", "conformance"},
                    {"seed", sim_seed},
                    {"topology", {{"kind", "edge-list"}, {"file", "overlay.txt"}}},
                    {"zones", {{"count", zones}, {"min_size", peers / zones}, {"degree", 3}, {"placement", "rendezvous"},
                               {"publish_replicas", 1}, {"links_seed", links_seed}}},
                    {"latency", {{"kind", "constant"}, {"mean_ms", 5}}},
                    {"content", {{"placement", placement}}},
                    {"workload", {{"script", script}}},
                    {"search", {{"strategy", strategy}, {"ttl", ttl}, {"seen_capacity", 4096}, {"timeout_ms", timeout_ms},
                                {"ring_start", 1}, {"ring_step", 2}, {"ring_wait_ms", ring_wait_ms}}}};
  const auto plan = sim::parse_scenario(doc, dir);
  const Strategy kind = plan.runs.at(0).scenario.search.strategy;
  // Query ids: (origin << 32) | the origin's counter, which each search advances by its id count.
  std::map<std::uint64_t, std::pair<std::size_t, std::uint32_t>> search_of;  // id -> (search, ring)
  std::map<std::uint32_t, std::uint32_t> counter;
  const std::uint32_t ids = search_id_count(kind, search_params());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::uint64_t base = (static_cast<std::uint64_t>(list[i].origin) << 32) | (counter[list[i].origin] + 1);
    counter[list[i].origin] += ids;
    for (std::uint32_t r = 0; r < ids; ++r) search_of[base + r] = {i, r};
  }
  std::vector<QueryView> views(list.size());
  const sim::DeliveryTap tap = [&](PeerId from, PeerId to, const Message& msg, Arrival arrival) {
    if (const auto* q = std::get_if<Query>(&msg)) {
      const auto [i, ring] = search_of.at(q->query_id);
      QueryView& v = views[i];
      v.peer[to].fresh += arrival == Arrival::fresh;
      v.peer[to].duplicates += arrival == Arrival::duplicate;
      ++v.peer[from].sent;
      if (from == list[i].origin) v.rings = std::max(v.rings, ring + 1);
    } else if (const auto* h = std::get_if<QueryHit>(&msg)) {
      const auto [i, ring] = search_of.at(h->query_id);
      ++views[i].peer[from].hit_sent;
      if (to == list[i].origin) views[i].hops.push_back(h->hops);
    }
  };
  const auto result = sim::run_simulation(plan.runs.at(0).scenario, plan.seed, {}, tap);
  EXPECT_EQ(result.queries.size(), list.size());
  for (std::size_t i = 0; i < views.size() && i < result.queries.size(); ++i) {
    QueryView& v = views[i];
    const auto& rec = result.queries[i];
    while (v.hops.size() < rec.hits) v.hops.push_back(0);  // the origin's own hits (zone-flood, origin in home zone)
    total(v);
    // The tap and the engine's own counters describe the same run.
    EXPECT_EQ(v.messages, rec.messages) << "search " << i;
    EXPECT_EQ(v.duplicates, rec.duplicates) << "search " << i;
    EXPECT_EQ(v.reached, rec.reached) << "search " << i;
    EXPECT_EQ(v.hit_messages, rec.hit_messages) << "search " << i;
    if (rec.hits > 0) {
      EXPECT_EQ(rec.first_hit_hops, v.hops.front()) << "search " << i;
    }
    if (kind == Strategy::expanding_ring) v.rings = std::max<std::uint32_t>(v.rings, 1);
  }
  if (records != nullptr) {
    records->clear();
    for (const auto& p : result.peers_load) records->push_back(p.records);
  }
  if (zone_of != nullptr) {
    zone_of->clear();
    for (const auto& p : result.peers_load) zone_of->push_back(p.zone);
  }
  return views;
}

/// One real attempt of a search: its first query id and the hits the origin reported.
struct Attempt {
  std::uint64_t query_id = 0;
  json hits;
};

/// The real side: searches through REST, counters from every node's /api/queries.
class RealCluster {
 public:
  explicit RealCluster(Cluster& c) : m_c(c) {}

  /// Run every search of `list` (indices `which`) concurrently, a few at a time.
  void run(const std::string& strategy, const std::vector<Search>& list, const std::vector<std::size_t>& which,
           std::vector<Attempt>& out) {
    std::atomic<std::size_t> next{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    const auto worker = [&] {
      for (std::size_t k = next++; k < which.size(); k = next++) {
        const Search& s = list[which[k]];
        const auto r = m_c.rest(s.origin, "GET", "/api/search?wait=all&ttl=" + std::to_string(ttl) + "&strategy=" + strategy + "&name=" + s.name);
        if (r.status != 200) {
          std::lock_guard lock(failures_mutex);
          failures.push_back(r.body.dump());
          continue;
        }
        out[which[k]] = Attempt{r.body["query_id"].get<std::uint64_t>(), r.body["hits"]};
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < 20; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    ASSERT_TRUE(failures.empty()) << failures.front();
  }

  /// Every node's counters, per query id and peer.
  std::map<std::uint64_t, std::map<std::uint32_t, json>> counters() {
    std::map<std::uint64_t, std::map<std::uint32_t, json>> out;
    for (std::size_t i = 0; i < m_c.size(); ++i) {
      const auto reply = m_c.rest(i, "GET", "/api/queries");
      const std::uint32_t id = reply.body["peer_id"];
      for (const auto& q : reply.body["queries"]) out[q["query_id"].get<std::uint64_t>()][id] = q;
    }
    return out;
  }

 private:
  Cluster& m_c;
};

/// Sum of `field` over the nodes' counters of ids [base, base + ids).
std::uint64_t sum_of(const std::map<std::uint64_t, std::map<std::uint32_t, json>>& all, std::uint64_t base, std::uint32_t ids,
                     const char* field) {
  std::uint64_t n = 0;
  for (std::uint32_t r = 0; r < ids; ++r)
    if (auto it = all.find(base + r); it != all.end())
      for (const auto& [peer, q] : it->second) n += q.value(field, 0u);
  return n;
}

/// True when every copy the attempts sent has arrived (queries and hits).
bool in_flight_done(const std::map<std::uint64_t, std::map<std::uint32_t, json>>& all, const std::vector<Attempt>& attempts,
                    std::uint32_t ids) {
  for (const Attempt& a : attempts) {
    if (a.query_id == 0) continue;
    if (sum_of(all, a.query_id, ids, "sent") != sum_of(all, a.query_id, ids, "fresh") + sum_of(all, a.query_id, ids, "duplicates"))
      return false;
    if (sum_of(all, a.query_id, ids, "hit_messages") != sum_of(all, a.query_id, ids, "hit_arrivals")) return false;
  }
  return true;
}

/// The real view of one attempt, and why it is not a constant-latency run (empty if it is).
std::pair<QueryView, std::string> real_view(const std::map<std::uint64_t, std::map<std::uint32_t, json>>& all, const Attempt& a,
                                            std::uint32_t origin, std::uint32_t ids, bool ring) {
  QueryView v;
  std::string disturbed;
  for (std::uint32_t r = 0; r < ids; ++r) {
    const auto it = all.find(a.query_id + r);
    if (it == all.end()) continue;
    for (const auto& [peer, q] : it->second) {
      PeerCounts& k = v.peer[peer];
      k.fresh += q.value("fresh", 0u);
      k.duplicates += q.value("duplicates", 0u);
      k.sent += q.value("sent", 0u);
      k.hit_sent += q.value("hit_messages", 0u);
      if (k == PeerCounts{}) v.peer.erase(peer);
      if (peer == origin && q.value("sent", 0u) > 0) v.rings = std::max(v.rings, r + 1);
      if (q.value("hop_inversions", 0u) > 0) disturbed = "hop inversion at peer " + std::to_string(peer);
      if (q.value("hits_dropped", 0u) > 0) disturbed = "hit dropped at peer " + std::to_string(peer);
    }
  }
  for (const auto& h : a.hits) v.hops.push_back(h["hops"].get<int>());
  total(v);
  if (ring) {
    v.rings = std::max<std::uint32_t>(v.rings, 1);
    if (!v.hops.empty()) {  // the first ring reaching the nearest hit's distance should have been the last
      std::uint32_t needed = 0;
      while (needed + 1 < ids && ring_ttl_hops(search_params(), needed) < static_cast<std::uint32_t>(v.hops.front())) ++needed;
      if (v.rings > needed + 1) disturbed = "hit of ring " + std::to_string(needed) + " came after the next ring started";
    }
  }
  return {v, disturbed};
}

TEST(Conformance, SimulatorAndSixtyRealNodesAgreePerPeerAndPerQuery) {
  Cluster c("conformance");
  const auto edges = cactus_edges();
  const auto nb = neighbour_lists(edges);
  {
    std::ofstream out(c.dir() / "overlay.txt");
    out << "# random cactus of odd cycles\n";
    for (auto [a, b] : edges) out << a << '\t' << b << '\n';
  }
  // Emulated link latency D (net.latency_ms) on every node, so that hop order is the likely
  // order on loopback too; rings wait 12 D (a ring's round trip is at most 2 x TTL = 10 D) and
  // searches last 36 D (three rings). The simulator runs at 5 ms: only hop order matters to it.
  const auto latency_ms = static_cast<std::uint32_t>(scaled(std::chrono::milliseconds(50)).count());
  const std::uint32_t ring_wait_ms = 12 * latency_ms;
  const std::uint32_t timeout_ms = 36 * latency_ms;

  c.start_tracker({"--zones-count", std::to_string(zones), "--zones-min-size", std::to_string(peers / zones), "--zones-degree", "3",
                   "--links-seed", std::to_string(links_seed), "--heartbeat-ms", "100"});
  for (std::uint32_t p = 0; p < peers; ++p) {  // one by one, in id order, like the simulator's joins
    c.start_node({"--node-id", std::to_string(p), "--overlay-neighbours", json(nb[p]).dump(), "--zones-placement", "rendezvous",
                  "--zones-publish-replicas", "1", "--search-timeout-ms", std::to_string(timeout_ms), "--search-seen-capacity",
                  "4096", "--search-ring-start", "1", "--search-ring-step", "2", "--search-ring-wait-ms",
                  std::to_string(ring_wait_ms), "--core-seed", std::to_string(mix64(mix64(sim_seed ^ mix64(6)) ^ p)),
                  "--net-latency-ms", std::to_string(latency_ms), "--log-level", "warn"});
    ASSERT_EQ(c.node(p).id, p);
  }
  c.wait_settled(zones, std::chrono::seconds(60));

  // Files: each held by its one record keeper (see the header) and up to two other peers.
  std::vector<std::vector<std::uint32_t>> members(zones);
  std::vector<std::uint32_t> real_zone(peers);
  for (std::uint32_t p = 0; p < peers; ++p) {
    real_zone[p] = c.rest(p, "GET", "/api/status").body["zone"];
    members.at(real_zone[p]).push_back(p);
  }
  Rng rng(draw_seed + 1);
  json placement = json::array();
  std::vector<std::string> names;
  for (int f = 0; f < 10; ++f) {
    const std::string name = "file-" + std::to_string(f) + ".bin";
    const FileKey key = file_key(name);
    const auto& home = members.at(home_zone(key, zones));
    const std::uint32_t keeper = *std::max_element(
        home.begin(), home.end(), [key](std::uint32_t a, std::uint32_t b) { return rendezvous_score(key, a) < rendezvous_score(key, b); });
    std::vector<std::uint32_t> holders{keeper};
    for (std::uint32_t extra = rng.below(3); extra > 0; --extra) {
      const std::uint32_t h = rng.below(peers);
      if (std::find(holders.begin(), holders.end(), h) == holders.end()) holders.push_back(h);
    }
    placement.push_back({{"name", name}, {"holders", holders}});
    names.push_back(name);
  }
  for (int m = 0; m < 3; ++m) names.push_back("missing-" + std::to_string(m) + ".bin");

  std::map<std::string, std::vector<Search>> lists;
  for (const auto& s : strategies)
    for (std::uint32_t i = 0; i < per_strategy; ++i) lists[s].push_back(Search{rng.below(peers), names[rng.below(static_cast<std::uint32_t>(names.size()))]});

  std::map<std::string, std::vector<QueryView>> expected;
  std::vector<std::uint32_t> records, sim_zone;
  for (const auto& s : strategies)
    expected[s] = simulate(c.dir(), s, lists[s], placement, timeout_ms, ring_wait_ms, s == "zone-flood" ? &records : nullptr,
                           s == "zone-flood" ? &sim_zone : nullptr);
  ASSERT_EQ(real_zone, sim_zone) << "the tracker core assigned different zones in the two bodies";

  for (const auto& f : placement)
    for (const auto& h : f["holders"]) c.share_random(h.get<std::size_t>(), f["name"], 1024, 1);
  const auto real_records = [&] {
    std::vector<std::uint32_t> out;
    for (std::uint32_t p = 0; p < peers; ++p) out.push_back(c.rest(p, "GET", "/api/status").body["records"]);
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return real_records() == records; }, std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << "records per node " << json(real_records()).dump() << " simulator " << json(records).dump();

  RealCluster real(c);
  std::uint32_t compared = 0, retried = 0, ttl_cut = 0;
  for (const auto& strategy : strategies) {
    SCOPED_TRACE(strategy);
    const auto& list = lists[strategy];
    const bool ring = strategy == "expanding-ring";
    const std::uint32_t ids = ring ? search_id_count(Strategy::expanding_ring, search_params()) : 1;
    std::vector<std::size_t> todo(list.size());
    for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
    std::map<std::size_t, std::string> why;
    for (int attempt = 0; attempt < attempts_max && !todo.empty(); ++attempt) {
      std::vector<Attempt> attempts(list.size());
      real.run(strategy, list, todo, attempts);
      auto all = real.counters();
      ASSERT_TRUE(wait_until(
          [&] {
            all = real.counters();
            return in_flight_done(all, attempts, ids);
          },
          std::chrono::seconds(20), std::chrono::milliseconds(100)))
          << "copies sent but never delivered";
      std::vector<std::size_t> again;
      for (const std::size_t i : todo) {
        const auto [v, disturbed] = real_view(all, attempts[i], list[i].origin, ids, ring);
        if (!disturbed.empty()) {
          why[i] = disturbed;
          again.push_back(i);
          continue;
        }
        const QueryView& s = expected[strategy].at(i);
        SCOPED_TRACE("search " + std::to_string(i) + " from " + std::to_string(list[i].origin) + " for " + list[i].name +
                     ", query id " + std::to_string(attempts[i].query_id));
        EXPECT_EQ(v.messages, s.messages);
        EXPECT_EQ(v.duplicates, s.duplicates);
        EXPECT_EQ(v.reached, s.reached);
        EXPECT_EQ(v.hit_messages, s.hit_messages);
        EXPECT_EQ(v.hops, s.hops);  // every hit's hops (so also the hit count and the first hit's hops)
        if (ring) {
          EXPECT_EQ(v.rings, s.rings);
        }
        for (std::uint32_t p = 0; p < peers; ++p) {
          const auto pr = v.peer.count(p) ? v.peer.at(p) : PeerCounts{};
          const auto ps = s.peer.count(p) ? s.peer.at(p) : PeerCounts{};
          EXPECT_EQ(pr.fresh, ps.fresh) << "peer " << p;
          EXPECT_EQ(pr.sent, ps.sent) << "peer " << p;
          if (strategy != "zone-flood") {  // parents are unique on the geodetic overlay only
            EXPECT_EQ(pr.duplicates, ps.duplicates) << "peer " << p;
            EXPECT_EQ(pr.hit_sent, ps.hit_sent) << "peer " << p;
          }
        }
        ++compared;
        ttl_cut += strategy == "flood" && s.reached + 1 < peers;
      }
      retried += static_cast<std::uint32_t>(again.size());
      std::cout << strategy << " attempt " << attempt + 1 << ": " << todo.size() - again.size() << " compared, " << again.size()
                << " to ask again" << (again.empty() ? "" : " (last: " + why[again.back()] + ")") << std::endl;
      todo = std::move(again);
    }
    for (const std::size_t i : todo) ADD_FAILURE() << "search " << i << " never ran cleanly: " << why[i];
  }
  std::cout << "compared " << compared << " searches, " << retried << " re-asked after timing disturbances, time scale "
            << time_scale() << "\n";
  EXPECT_EQ(compared, per_strategy * strategies.size());
  EXPECT_GT(ttl_cut, per_strategy / 2) << "the TTL should cut most floods short on this overlay";
}

}  // namespace
}  // namespace zonal::test
