// Conformance for Chord, "one protocol, two bodies": 24 real zonal-node processes with
// chord.enabled form a ring on loopback; the simulator is given the same ring (chord.ids = the ids
// the real nodes derived from their addresses, a stable ring, constant latency), the same files on
// the same holders and the same 200 searches. Compared per search: the node that indexes the
// name (the key's successor, also checked against the ids directly), the lookup's path length
// (hops), its message count (lookup and fetch), and the holders found.
//
// Why they can be equal: an iterative lookup's path depends only on the routing tables of the
// nodes it asks (each names its closest preceding entry for the key), not on timing. The test
// waits (no fixed sleep) until every real node's successor list and fingers are exactly those
// ChordNode::install_stable_state gives the simulator's nodes, then shares the files and waits
// until every node keeps the records the ids say it must; the ring stays stable while searches
// run, so their paths are the simulator's. A request that timed out and was resent would add
// messages: the RPC timeout is generous and stretched by the machine's load.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cluster.hpp"
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"
#include "time_scale.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/chord_node.hpp"
#include "zonal/chord_stable.hpp"
#include "zonal/hash.hpp"
#include "zonal/rng.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;
constexpr std::uint32_t nodes = 24;
constexpr unsigned id_bits = 64;
constexpr std::uint8_t successors = 8;
constexpr std::uint32_t searches = 200;
constexpr std::uint64_t draw_seed = 4242;

/// The ring the ids define: node i's successor list and fingers (peer ids), as the simulator's
/// stable ring installs them.
struct Routing {
  std::vector<std::uint32_t> successors, fingers;
  bool operator==(const Routing&) const = default;
};

std::vector<Routing> stable_routing(const std::vector<ChordRef>& refs) {
  ChordConfig config;
  config.id_bits = id_bits;
  config.successors = successors;
  const auto ring = chord_sorted_ring(refs);
  std::vector<Routing> out(refs.size());
  for (const ChordRef& r : refs) {
    ChordNode node(r, config, 1);
    EXPECT_TRUE(node.install_stable_state(0, ring));
    for (const ChordRef& s : node.table().successors()) out[r.peer].successors.push_back(s.peer);
    for (const ChordRef& f : node.table().fingers()) out[r.peer].fingers.push_back(f.peer);
  }
  return out;
}

/// Node i's routing as its /api/status reports it (empty lists while it is not a member).
Routing real_routing(Cluster& c, std::size_t i) {
  const auto r = c.rest(i, "GET", "/api/status");
  Routing out;
  if (r.status != 200 || r.body["chord"]["state"] != "member") return out;
  for (const auto& s : r.body["chord"]["successors"]) out.successors.push_back(s["peer"]);
  for (const auto& f : r.body["chord"]["finger_peers"]) out.fingers.push_back(f);
  return out;
}

/// The node (peer id) that must index `name`: the successor of its Chord key.
std::uint32_t successor_of(const std::vector<ChordRef>& refs, const std::string& name) {
  const ChordId key = chord_key_of_file(file_key(name), id_bits);
  const auto ring = chord_sorted_ring(refs);
  const auto it = std::find_if(ring.begin(), ring.end(), [key](const ChordRef& r) { return r.id() >= key; });
  return it == ring.end() ? ring.front().peer : it->peer;
}

struct Search {
  std::uint32_t origin = 0;
  std::string name;
};

/// What one body reports for one search.
struct Outcome {
  std::uint32_t hits = 0, hops = 0, messages = 0;
};

/// The simulator's outcomes of `list` on the ring of `refs`, with `placement` (content.placement).
std::vector<Outcome> simulate(const std::vector<ChordRef>& refs, const json& placement, const std::vector<Search>& list,
                              std::vector<std::uint32_t>& records) {
  json ids = json::array(), script = json::array();
  for (const ChordRef& r : refs) ids.push_back(r.id());
  for (std::size_t i = 0; i < list.size(); ++i)
    script.push_back({{"origin", list[i].origin}, {"name", list[i].name}, {"at_ms", 1000.0 * static_cast<double>(i)}});
  const json doc = {{"name", "conformance-chord"},
                    {"seed", 3},
                    {"peers", nodes},
                    {"latency", {{"kind", "constant"}, {"mean_ms", 1}}},
                    {"content", {{"placement", placement}}},
                    {"workload", {{"script", script}}},
                    {"search", {{"strategy", "chord"}, {"timeout_ms", 60000}}},
                    {"chord", {{"ids", ids}, {"id_bits", id_bits}, {"successors", successors}, {"ring", "stable"},
                               {"replication", false}, {"mode", "iterative"}, {"stabilize_ms", 0}, {"fix_fingers_ms", 0},
                               {"check_predecessor_ms", 0}}}};
  const auto plan = sim::parse_scenario(doc, ".");
  const auto result = sim::run_simulation(plan.runs.at(0).scenario, plan.seed);
  EXPECT_EQ(result.queries.size(), list.size());
  std::vector<Outcome> out;
  for (const auto& q : result.queries) out.push_back(Outcome{q.hits, q.hits > 0 ? static_cast<std::uint32_t>(q.first_hit_hops) : 0u, q.messages});
  records.clear();
  for (const auto& p : result.peers_load) records.push_back(p.records);
  return out;
}

TEST(ConformanceChord, SimulatorAndTwentyFourRealNodesAgreePerLookup) {
  Cluster c("conformance-chord");
  const auto ms = [](int base) { return std::to_string(scaled(std::chrono::milliseconds(base)).count()); };
  c.start_tracker({"--zones-count", "1", "--heartbeat-ms", "100", "--expiry-ms", ms(5000)});
  for (std::uint32_t i = 0; i < nodes; ++i) {
    c.start_node({"--node-id", std::to_string(i), "--chord-enabled", "true", "--chord-id-bits", std::to_string(id_bits),
                  "--chord-successors", std::to_string(successors), "--chord-replication", "false", "--chord-mode",
                  "iterative", "--chord-stabilize-ms", ms(150), "--chord-fix-fingers-ms", ms(50),
                  "--chord-check-predecessor-ms", ms(300), "--chord-rpc-timeout-ms", ms(3000), "--log-level", "warn"});
    ASSERT_EQ(c.node(i).id, i);
  }
  c.wait_settled(1, std::chrono::seconds(60));

  std::vector<ChordRef> refs;
  for (std::uint32_t i = 0; i < nodes; ++i) {
    const auto st = c.rest(i, "GET", "/api/status").body["chord"];
    ASSERT_EQ(st["id"].get<ChordId>(), chord_id_of_address(c.node(i).grpc_address(), id_bits)) << "node " << i;
    refs.push_back(ChordRef::make(st["id"].get<ChordId>(), i));
  }
  const auto want = stable_routing(refs);
  std::size_t wrong = nodes;
  const bool converged = wait_until(
      [&] {
        wrong = 0;
        for (std::uint32_t i = 0; i < nodes; ++i) wrong += real_routing(c, i) != want[i];
        return wrong == 0;
      },
      std::chrono::seconds(120), std::chrono::milliseconds(200));
  ASSERT_TRUE(converged) << wrong << " nodes still route differently from the stable ring, e.g. node 0: "
                         << json(real_routing(c, 0).fingers).dump() << " want " << json(want[0].fingers).dump();

  // 16 files on 1 to 3 random holders each, and 4 names nobody holds.
  Rng rng(draw_seed);
  json placement = json::array();
  std::vector<std::string> names;
  std::vector<std::uint32_t> expected_records(nodes, 0);
  for (int f = 0; f < 16; ++f) {
    const std::string name = "chord-file-" + std::to_string(f) + ".bin";
    std::vector<std::uint32_t> holders;
    for (std::uint32_t n = 1 + rng.below(3); holders.size() < n;) {
      const std::uint32_t h = rng.below(nodes);
      if (std::find(holders.begin(), holders.end(), h) == holders.end()) holders.push_back(h);
    }
    expected_records[successor_of(refs, name)] += static_cast<std::uint32_t>(holders.size());
    placement.push_back({{"name", name}, {"holders", holders}});
    names.push_back(name);
  }
  for (int m = 0; m < 4; ++m) names.push_back("nobody-has-" + std::to_string(m) + ".bin");
  std::vector<Search> list;
  for (std::uint32_t i = 0; i < searches; ++i)
    list.push_back(Search{rng.below(nodes), names[rng.below(static_cast<std::uint32_t>(names.size()))]});

  std::vector<std::uint32_t> sim_records;
  const auto expected = simulate(refs, placement, list, sim_records);
  ASSERT_EQ(sim_records, expected_records) << "the simulator indexed records elsewhere than the key successors";

  for (const auto& f : placement)
    for (const auto& h : f["holders"]) c.share_random(h.get<std::size_t>(), f["name"], 512, 1);
  const auto real_records = [&] {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < nodes; ++i) out.push_back(c.rest(i, "GET", "/api/status").body["chord"]["records"]);
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return real_records() == expected_records; }, std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << "records per node " << json(real_records()).dump() << " want " << json(expected_records).dump();

  // The searches, 8 at a time (each is one lookup and one fetch: the ring is not changed by them).
  std::vector<json> replies(list.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t)
    pool.emplace_back([&] {
      for (std::size_t k = next++; k < list.size(); k = next++)
        replies[k] = c.rest(list[k].origin, "GET", "/api/search?wait=all&strategy=chord&name=" + list[k].name).body;
    });
  for (auto& t : pool) t.join();

  std::uint32_t found = 0;
  std::map<std::uint32_t, std::uint32_t> hop_histogram;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const json& r = replies[k];
    SCOPED_TRACE("search " + std::to_string(k) + " from node " + std::to_string(list[k].origin) + " for " + list[k].name +
                 ": " + r.dump());
    ASSERT_TRUE(r.contains("lookup")) << "the lookup did not reach the name's node";
    const json& l = r["lookup"];
    EXPECT_EQ(l["successor"].get<std::uint32_t>(), successor_of(refs, list[k].name));
    EXPECT_EQ(l["messages"].get<std::uint32_t>(), expected[k].messages);
    EXPECT_EQ(r["hits"].size(), expected[k].hits);
    if (expected[k].hits > 0) {
      EXPECT_EQ(l["hops"].get<std::uint32_t>(), expected[k].hops);
      for (const auto& h : r["hits"]) EXPECT_EQ(h["hops"].get<std::uint32_t>(), expected[k].hops);
      ++found;
    }
    ++hop_histogram[l["hops"].get<std::uint32_t>()];
  }
  std::cout << "compared " << list.size() << " chord searches (" << found << " found); lookup hops:";
  for (const auto& [h, n] : hop_histogram) std::cout << " " << h << "x" << n;
  std::cout << "; time scale " << time_scale() << "\n";
  EXPECT_GT(found, searches / 2);
  EXPECT_GE(hop_histogram.size(), 3u) << "lookups should take paths of several lengths on 24 nodes";
}

}  // namespace
}  // namespace zonal::test
