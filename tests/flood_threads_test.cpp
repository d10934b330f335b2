// --threads (engine/flood/flood_parallel.cpp, docs/performance.md "Threads"): a flood-family run
// gives the same bytes for every thread count. Each scenario runs with 1 thread (the sequential
// loop) and with 2, 3 and 7; the query rows, peer rows, time series, run counters and the full
// sequence of deliveries seen by a tap (sender, receiver, message, arrival: the global order of
// the run) must be identical, and the parallel path must really have run (parallel windows > 0).
#include <gtest/gtest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <unistd.h>

#include "engine/core/event_queue.hpp"
#include "engine/core/network.hpp"
#include "sim_cli.hpp"
#include "engine/engine.hpp"
#include "engine/flood/flood_parallel.hpp"
#include "output/output.hpp"
#include "output/output_timeseries.hpp"
#include "scenario/scenario.hpp"
#include "zonal/hash.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;

/// Everything a run produced that a result file or a counter shows, as text.
struct Trace {
  std::string rows;        ///< queries.csv, peers.csv and timeseries.csv rows
  std::string counters;    ///< RunResult's counters
  std::uint64_t deliveries = 0;     ///< deliveries of the query phase
  std::uint64_t delivery_hash = 0;  ///< hash of their sequence (sender, receiver, message kind, arrival)
  std::uint64_t parallel_windows = 0;
  std::uint64_t messages = 0;  ///< search messages of all queries
};

/// One run with `threads` threads; `every_window` sends every window through the workers,
/// however small (registration, the tracker's deliveries, a flood's first hops).
Trace run(sim::Scenario sc, std::uint64_t seed, std::uint32_t threads, bool every_window = false) {
  sc.threads = threads;
  sim::RunOptions options;
  if (every_window) options.window_parallel_min = 1;
  Trace t;
  const sim::DeliveryTap tap = [&](PeerId from, PeerId to, const Message& msg, Arrival arrival) {
    const std::uint64_t item = (std::uint64_t{from} << 32 | to) ^ (msg.index() << 8 | static_cast<std::uint64_t>(arrival)) << 56;
    t.delivery_hash = mix64(t.delivery_hash ^ item);  // order-sensitive
    ++t.deliveries;
  };
  const sim::RunResult r = sim::run_simulation(sc, seed, {}, tap, false, options);
  std::ostringstream rows;
  sim::write_queries_rows(rows, r);
  sim::write_peers_rows(rows, r);
  sim::write_timeseries_rows(rows, r);
  t.rows = rows.str();
  std::ostringstream c;
  c << r.registration_messages << ' ' << r.publish_messages << ' ' << r.lost_messages << ' ' << r.events << ' '
    << r.end_us << ' ' << r.zone_count;
  t.counters = c.str();
  t.parallel_windows = r.parallel_windows;
  for (const auto& q : r.queries) t.messages += q.messages;
  return t;
}

/// Runs every run of `doc` with 1, 2, 3 and 7 threads (3 with every window parallel) and
/// expects identical traces.
void expect_same_for_every_thread_count(const json& doc, bool windows_expected = true) {
  const auto plan = sim::parse_scenario(doc, std::filesystem::temp_directory_path());
  for (const auto& spec : plan.runs) {
    SCOPED_TRACE(spec.label);
    const Trace one = run(spec.scenario, plan.seed, 1);
    ASSERT_GT(one.messages, 200u) << "the run must search for the comparison to mean something";
    ASSERT_GT(one.deliveries, 10'000u);
    EXPECT_EQ(one.parallel_windows, 0u) << "one thread is the sequential loop";
    for (const std::uint32_t threads : {2u, 3u, 7u}) {
      SCOPED_TRACE("threads " + std::to_string(threads));
      const Trace many = run(spec.scenario, plan.seed, threads, threads == 3);
      if (windows_expected) EXPECT_GT(many.parallel_windows, 0u) << "the parallel path did not run";
      else EXPECT_EQ(many.parallel_windows, 0u);
      EXPECT_EQ(one.counters, many.counters);
      EXPECT_TRUE(one.rows == many.rows) << "result rows differ";
      EXPECT_EQ(one.deliveries, many.deliveries);
      EXPECT_EQ(one.delivery_hash, many.delivery_hash) << "the order of deliveries differs";
    }
  }
}

json base(const json& latency) {
  return {{"name", "threads"},
          {"seed", 23},
          {"peers", 3000},
          {"topology", {{"kind", "k-out"}, {"k", 4}}},
          {"zones", {{"count", 12}, {"placement", "random"}}},  // random entries: zone floods really flood
          {"latency", latency},
          {"content", {{"files", 300}, {"replicas", 2}}},
          {"workload", {{"queries", 40}, {"rate_per_s", 10}, {"missing_fraction", 0.2}}},
          {"search", {{"ttl", 7}, {"timeout_ms", 1500}}},
          {"output", {{"timeseries_ms", 100}}}};
}

// The PeerSim workload in small: uniform latency from 0.5 ms, every copy its own delay, 2% loss
// (delays up to 10.5 ms, not 100.5: enough deliveries per 0.5 ms window at 3,000 peers).
TEST(FloodThreads, RandomLatencyFloodsAreIdentical) {
  json doc = base({{"kind", "uniform"}, {"min_ms", 0.5}, {"max_ms", 10.5}});
  doc["faults"] = {{"loss", 0.02}};
  doc["sweep"] = {{"search.strategy", {"flood", "zone-flood"}}};
  expect_same_for_every_thread_count(doc);
}

// Constant latency: a broadcast's copies are one batch entry whose destinations go to several
// threads.
TEST(FloodThreads, ConstantLatencyBatchesAreIdentical) {
  json doc = base({{"kind", "constant"}, {"mean_ms", 20}});
  doc["faults"] = {{"loss", 0.05}};
  doc["sweep"] = {{"search.strategy", {"flood", "zone-flood"}}};
  expect_same_for_every_thread_count(doc);
}

// Random walks and expanding rings: walker checks, ring timers (control events) between windows.
TEST(FloodThreads, WalksAndRingsAreIdentical) {
  json doc = base({{"kind", "uniform"}, {"min_ms", 2}, {"max_ms", 30}});
  doc["search"] = {{"ttl", 7}, {"timeout_ms", 1500}, {"walkers", 32}, {"walk_ttl", 64}, {"ring_start", 2},
                   {"ring_step", 2}, {"ring_wait_ms", 40}};
  doc["sweep"] = {{"search.strategy", {"random-walk", "expanding-ring"}}};
  expect_same_for_every_thread_count(doc);
}

// Long windows (20 ms), a query every 4 ms and a 30 ms timeout: query arrivals and the origins'
// timers fall inside the windows' time spans and must cut them, in order.
TEST(FloodThreads, ControlEventsInsideWindowsAreIdentical) {
  json doc = base({{"kind", "uniform"}, {"min_ms", 20}, {"max_ms", 60}});
  doc["workload"] = {{"queries", 50}, {"rate_per_s", 250}, {"missing_fraction", 0.2}};
  doc["search"] = {{"ttl", 6}, {"timeout_ms", 30}};
  doc["sweep"] = {{"search.strategy", {"flood", "zone-flood"}}};
  expect_same_for_every_thread_count(doc);
}

// Constant latency (20 ms) and queries at 0, 17, 20, 37, 40, ... ms: the arrival at 20 k was
// queued (at 20 k - 3) after the copies the query of 20 k - 20 sent first, which arrive at the
// same time and run before it, and before those their deliveries send; the arrival at 20 k - 3
// has opened the queues' bucket, so the fronts are exact (not a bucket's start) when the
// windows meet the arrival: a window must stop at its (time, seq), not at its time.
TEST(FloodThreads, ControlEventsAtTheTimeOfDeliveriesAreIdentical) {
  json doc = base({{"kind", "constant"}, {"mean_ms", 20}});
  json script = json::array();
  for (int i = 0; i < 16; ++i)
    script.push_back({{"origin", 97 * i + 5}, {"name", "nobody-" + std::to_string(i)}, {"at_ms", 20 * (i / 2) + (i % 2) * 17}});
  doc["workload"] = {{"script", script}};
  doc["sweep"] = {{"search.strategy", {"flood", "zone-flood"}}};
  expect_same_for_every_thread_count(doc);
}

// Lognormal latency has no positive minimum: the run stays sequential (and identical).
TEST(FloodThreads, LognormalLatencyRunsSequentially) {
  json doc = base({{"kind", "lognormal"}, {"mean_ms", 50}, {"sigma", 0.5}});
  expect_same_for_every_thread_count(doc, false);
}

// CalendarQueue::pop_before, which collects a window: deliveries before the limit in (time, seq)
// order, nothing once a control event or the limit comes first; a shared message's copies too.
TEST(FloodThreads, PopBeforeStopsAtControlEventsAndTheLimit) {
  sim::EventQueue q(8, 16);  // 8 us buckets, a 128 us ring: later events wait in the overflow heap
  const Message msg = Query{};
  q.push(sim::Event{10, 0, 1, 0, sim::EventKind::deliver, 0, msg});
  q.push(sim::Event{20, 0, 2, 0, sim::EventKind::deliver, 0, msg});
  q.push(sim::Event{25, 0, 3, no_peer, sim::EventKind::timer, 0, {}});
  const std::vector<sim::EventQueue::Copy> copies{{30, 4}, {30, 5}, {500, 6}};
  q.push_shared(0, msg, copies);
  const auto next_to = [&](TimeUs limit) -> PeerId {
    const auto p = q.pop_before(limit);
    return p ? p->to[0] : no_peer;
  };
  EXPECT_EQ(next_to(1000), 1u);
  EXPECT_EQ(next_to(1000), 2u);
  EXPECT_EQ(next_to(1000), no_peer) << "the timer at 25 comes first";
  EXPECT_EQ(q.pop().event->kind, sim::EventKind::timer);
  EXPECT_EQ(next_to(30), no_peer) << "30 is not before the limit 30";
  EXPECT_EQ(next_to(31), 4u);
  EXPECT_EQ(next_to(31), 5u);
  EXPECT_EQ(next_to(400), no_peer);
  q.push(sim::Event{40, 0, 7, 0, sim::EventKind::deliver, 0, msg});  // pushed after a refused pop
  EXPECT_EQ(next_to(1000), 7u);
  EXPECT_EQ(next_to(1000), 6u);
  EXPECT_TRUE(q.empty());
}

/// The (to, seq) of every delivery `q` pops before (limit_us, limit_seq), in pop order.
std::vector<std::pair<PeerId, std::uint64_t>> pop_all(sim::EventQueue& q, TimeUs limit_us = 1'000'000'000,
                                                      std::uint64_t limit_seq = 0) {
  std::vector<std::pair<PeerId, std::uint64_t>> out;
  while (const auto p = q.pop_before(limit_us, limit_seq))
    for (std::size_t k = 0; k < p->to.size(); ++k) out.emplace_back(p->to[k], p->event->seq + k);
  return out;
}

// A partition's queue (--threads) gets its copies with the numbers the run gave them, the other
// partitions' numbers left out: copies of one broadcast spread over two queues, equal times
// ordered by number, a batch split into runs of consecutive numbers, a whole event among them.
TEST(FloodThreads, ExplicitSequencePushesPopInTheGlobalOrder) {
  using CopyAt = sim::EventQueue::CopyAt;
  const Message msg = Query{};
  sim::EventQueue a(8, 16), b(8, 16);  // a broadcast numbered 10..14 split: a gets 10, 12, 13; b gets 11, 14
  a.push_shared_at(1, msg, std::vector<CopyAt>{{40, 10, 100}, {30, 12, 102}, {40, 13, 103}});
  b.push_shared_at(1, msg, std::vector<CopyAt>{{30, 11, 101}, {30, 14, 104}});
  a.push_at(sim::Event{30, 15, 105, 2, sim::EventKind::deliver, 0, msg});  // a whole event after them: the bucket mixes kinds
  a.push_shared_at(3, msg, std::vector<CopyAt>{{300, 20, 106}});  // beyond the 128 us ring
  b.push_batch_at(50, 4, msg, std::vector<PeerId>{107, 108}, 30);  // a sub-batch 30, 31 (32 went elsewhere)
  b.push_batch_at(50, 4, msg, std::vector<PeerId>{109}, 33);
  using Pops = std::vector<std::pair<PeerId, std::uint64_t>>;
  EXPECT_EQ(pop_all(a, 40, 13), (Pops{{102, 12}, {105, 15}, {100, 10}})) << "(time, seq) order, stops before (40, 13)";
  EXPECT_EQ(pop_all(a), (Pops{{103, 13}, {106, 20}}));
  EXPECT_EQ(pop_all(b), (Pops{{101, 11}, {104, 14}, {107, 30}, {108, 31}, {109, 33}}));
  EXPECT_TRUE(a.empty() && b.empty());
  sim::EventQueue c(8, 16);
  EXPECT_EQ(c.reserve_seqs(5), 0u);
  EXPECT_EQ(c.reserve_seqs(2), 5u);
  EXPECT_EQ(c.pushed(), 7u) << "numbers reserved for other queues count as pushed";
}

// front_bound(): exact for the bucket being drained and control events, the start of the next
// bucket with events otherwise, without opening it (a later push into it stays in order).
TEST(FloodThreads, FrontBoundOpensNoBucket) {
  sim::EventQueue q(8, 16);
  const Message msg = Query{};
  EXPECT_FALSE(q.front_bound().has_value());
  q.push(sim::Event{21, 0, 1, 0, sim::EventKind::deliver, 0, msg});
  auto front = q.front_bound();
  ASSERT_TRUE(front.has_value());
  EXPECT_EQ(front->time_us, 16) << "the bucket [16, 24) is not open: its start";
  q.push(sim::Event{17, 0, 2, 0, sim::EventKind::deliver, 0, msg});  // into that bucket, before the first
  q.push(sim::Event{12, 0, 3, no_peer, sim::EventKind::timer, 0, {}});
  EXPECT_EQ(q.front_bound()->time_us, 12) << "the timer comes first";
  EXPECT_EQ(q.pop().event->kind, sim::EventKind::timer);
  EXPECT_EQ(pop_all(q, 18).size(), 1u) << "the delivery at 17";
  front = q.front_bound();
  EXPECT_EQ(front->time_us, 21);
  EXPECT_EQ(front->seq, 0u) << "exact once its bucket is open";
}

// take_deliveries(): every pending delivery (shared copies, batches, late and far ones) leaves
// the queue whole with its number; control events and the clock stay.
TEST(FloodThreads, TakeDeliveriesLeavesControlEvents) {
  sim::EventQueue q(8, 16);
  const Message msg = Query{};
  q.push(sim::Event{5, 0, 1, 0, sim::EventKind::deliver, 0, msg});
  EXPECT_EQ(q.pop().event->to, 1u);  // the clock at 5, bucket [0, 8) open
  q.push(sim::Event{9, 0, 2, no_peer, sim::EventKind::timer, 0, {}});                   // seq 1
  q.push_shared(3, msg, std::vector<sim::EventQueue::Copy>{{6, 10}, {20, 11}, {500, 12}});  // 2, 3, 4: late, ring, overflow
  q.push_batch(30, 4, msg, std::vector<PeerId>{13, 14});                                   // 5, 6
  std::vector<sim::Event> taken;
  q.take_deliveries(taken);
  std::sort(taken.begin(), taken.end(), [](const sim::Event& x, const sim::Event& y) { return x.seq < y.seq; });
  std::vector<std::tuple<TimeUs, std::uint64_t, PeerId>> got;
  for (const sim::Event& e : taken) got.emplace_back(e.time_us, e.seq, e.to);
  EXPECT_EQ(got, (std::vector<std::tuple<TimeUs, std::uint64_t, PeerId>>{
                     {6, 2, 10}, {20, 3, 11}, {500, 4, 12}, {30, 5, 13}, {30, 6, 14}}));
  for (const sim::Event& e : taken) EXPECT_EQ(e.kind, sim::EventKind::deliver);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop().event->kind, sim::EventKind::timer);
  EXPECT_TRUE(q.empty());
  q.push(sim::Event{9, 0, 7, 0, sim::EventKind::deliver, 0, msg});  // the clock did not move past 9
  EXPECT_EQ(q.pop().event->to, 7u);
}

// give_idle_pools(): a queue whose shared-message records and copy chunks are all free (its
// deliveries taken) hands them to an empty queue; both keep working, each with its own pools;
// a queue still using its pools, or a receiver that has some, keeps them.
TEST(FloodThreads, IdlePoolsMoveToAnotherQueue) {
  using Copy = sim::EventQueue::Copy;
  using CopyAt = sim::EventQueue::CopyAt;
  const Message msg = Query{};
  sim::EventQueue main(8, 16), part(8, 16), other(8, 16);
  std::vector<Copy> copies;
  for (PeerId p = 0; p < 3000; ++p) copies.push_back(Copy{10 + p % 100, p});  // more than one copy chunk
  for (PeerId from = 0; from < 40; ++from) main.push_shared(from, msg, copies);
  EXPECT_GT(main.records_capacity(), 0u);
  EXPECT_FALSE(main.give_idle_pools(part)) << "its copies still use them";
  std::vector<sim::Event> taken;
  main.take_deliveries(taken);
  EXPECT_EQ(taken.size(), 40u * 3000u);
  EXPECT_TRUE(main.give_idle_pools(part));
  EXPECT_EQ(main.records_capacity(), 0u);
  EXPECT_GT(part.records_capacity(), 0u);
  EXPECT_FALSE(other.give_idle_pools(part)) << "the receiver has pools now";
  part.push_shared_at(7, msg, std::vector<CopyAt>{{20, 5, 70}, {30, 6, 71}});  // the moved pools serve
  main.push_shared(8, msg, std::vector<Copy>{{40, 80}, {25, 81}});              // new ones grow
  using Pops = std::vector<std::pair<PeerId, std::uint64_t>>;
  EXPECT_EQ(pop_all(part), (Pops{{70, 5}, {71, 6}}));
  const Pops from_main = pop_all(main);
  ASSERT_EQ(from_main.size(), 2u);
  EXPECT_EQ(from_main[0].first, 81u);
  EXPECT_EQ(from_main[1].first, 80u);
  part.reserve_records(1000);
  EXPECT_GE(part.records_capacity(), 1000u);
}

// Network::draw_copy and delay_from_unit_us (phase B draws, phase C makes the delays) give what
// transit_us() gives, from the same stream, draw for draw: uniform and constant latency, with loss.
TEST(FloodThreads, DrawsTurnIntoTheDelaysTransitGives) {
  sim::LatencySpec uniform;
  uniform.kind = sim::LatencyKind::uniform;
  uniform.min_ms = 0.5;
  uniform.max_ms = 100.5;
  sim::LatencySpec constant;
  constant.kind = sim::LatencyKind::constant;
  constant.mean_ms = 20.25;
  sim::FaultSpec faults;
  faults.loss = 0.1;
  for (const sim::LatencySpec& latency : {uniform, constant}) {
    sim::Network whole(latency, faults, 77), split(latency, faults, 77);
    std::uint32_t lost = 0;
    for (int i = 0; i < 100'000; ++i) {
      const std::optional<TimeUs> expected = whole.transit_us();
      double unit = -1;
      const bool kept = split.draw_copy(unit);
      ASSERT_EQ(kept, expected.has_value()) << "copy " << i;
      if (kept) {
        ASSERT_EQ(split.delay_from_unit_us(unit), *expected) << "copy " << i;
      }
      lost += !kept;
    }
    EXPECT_GT(lost, 9'000u);
    EXPECT_LT(lost, 11'000u);
  }
}

// The network's draws are boost::random::uniform_01<double> on its mt19937_64 (the committed
// results were made so), split into the engine's output (phase B of --threads) and its unit
// (phase C): the same units, so the same delays.
TEST(FloodThreads, RawDrawsGiveUniform01sUnits) {
  sim::LatencySpec uniform;
  uniform.kind = sim::LatencyKind::uniform;
  uniform.min_ms = 0.5;
  uniform.max_ms = 100.5;
  for (const std::uint64_t seed : {1u, 31u, 77u}) {
    boost::random::mt19937_64 engine(seed);
    boost::random::uniform_01<double> unit;
    sim::Network split(uniform, {}, seed), whole(uniform, {}, seed);
    std::uint64_t top_half = 0;
    for (int i = 0; i < 1'000'000; ++i) {
      const double expected = unit(engine);
      const std::uint64_t raw = split.raw_draw();
      top_half += raw >> 63;
      ASSERT_EQ(sim::Network::unit_from_raw(raw), expected) << "draw " << i << " of seed " << seed;
      double drawn = -1;
      ASSERT_TRUE(whole.draw_copy(drawn));
      ASSERT_EQ(drawn, expected) << "draw " << i << " of seed " << seed;
    }
    EXPECT_GT(top_half, 490'000u);  // both halves of the conversion were checked
    EXPECT_LT(top_half, 510'000u);
  }
}

/// An engine that returns the values it was given, for boost's uniform_01 on chosen outputs.
struct ScriptedEngine {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() { return values.at(at++); }
  std::vector<result_type> values;
  std::size_t at = 0;
};

// unit_from_raw() against uniform_01 where rounding is hardest: around 2^53, 2^63 (where the
// conversion changes method) and 2^64 (where uniform_01 rejects and draws again).
TEST(FloodThreads, RawUnitsRoundLikeUniform01AtTheEdges) {
  std::vector<std::uint64_t> edges = {0, 1, 2, 3, 1ull << 52, (1ull << 53) - 1, 1ull << 53, (1ull << 53) + 1};
  for (std::uint64_t d = 0; d < 3000; ++d) edges.push_back((std::uint64_t{1} << 63) - 1500 + d);
  for (std::uint64_t d = 1; d <= 3000; ++d) edges.push_back(~std::uint64_t{0} - 3000 + d);  // up to 2^64 - 1
  boost::random::uniform_01<double> unit;
  std::size_t rejected = 0;
  for (const std::uint64_t raw : edges) {
    ScriptedEngine engine{{raw, 12345}};
    const double expected = unit(engine);
    if (raw >= sim::Network::raw_rejected_from) {
      ++rejected;
      EXPECT_EQ(engine.at, 2u) << "uniform_01 keeps " << raw;
      EXPECT_EQ(expected, sim::Network::unit_from_raw(12345));
    } else {
      EXPECT_EQ(engine.at, 1u) << "uniform_01 rejects " << raw;
      EXPECT_EQ(sim::Network::unit_from_raw(raw), expected) << raw;
    }
  }
  EXPECT_EQ(rejected, 1024u);  // 2^64 - 1024 .. 2^64 - 1
}

TEST(FloodThreads, WindowLengthIsTheSmallestDelay) {
  sim::LatencySpec l;
  l.kind = sim::LatencyKind::constant;
  l.mean_ms = 20;
  EXPECT_EQ(sim::conservative_window_us(l), 20'000);
  l.kind = sim::LatencyKind::uniform;
  l.min_ms = 0.5;
  l.max_ms = 100.5;
  EXPECT_EQ(sim::conservative_window_us(l), 500);
  l.min_ms = 0;
  EXPECT_EQ(sim::conservative_window_us(l), 0);
  l.kind = sim::LatencyKind::lognormal;
  EXPECT_EQ(sim::conservative_window_us(l), 0);
}

TEST(FloodThreads, ThreadsKeyIsCheckedAndKeptOutOfTheRunDocument) {
  const auto dir = std::filesystem::temp_directory_path();
  json doc = {{"name", "t"}, {"threads", 4}};
  const auto plan = sim::parse_scenario(doc, dir);
  EXPECT_EQ(plan.runs.at(0).scenario.threads, 4u);
  EXPECT_FALSE(plan.runs.at(0).document.contains("threads")) << "the run's identity must not depend on threads";
  EXPECT_EQ(sim::parse_scenario(json{{"name", "t"}}, dir).runs.at(0).scenario.threads, 1u);
  for (const json& bad : {json(0), json(257), json(-1), json(1.5), json("2")}) {
    doc["threads"] = bad;
    try {
      sim::parse_scenario(doc, dir);
      ADD_FAILURE() << "threads " << bad.dump() << " accepted";
    } catch (const sim::ScenarioError& e) {
      EXPECT_TRUE(std::string(e.what()).starts_with("threads: ")) << e.what();
    }
  }
  doc = {{"name", "t"}, {"sweep", {{"threads", {1, 2}}}}};
  EXPECT_THROW(sim::parse_scenario(doc, dir), sim::ScenarioError);
}

// The command line: --threads 1 and --threads 3 (with --jobs 2) write the same result files, and
// a result made with one thread count resumes with another (threads is not in the run identity).
TEST(FloodThreads, CommandLineResultsAreIdentical) {
  const auto dir = std::filesystem::temp_directory_path() / ("zonal-threads-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  json doc = base({{"kind", "uniform"}, {"min_ms", 0.5}, {"max_ms", 5.5}});
  doc["peers"] = 5000;
  doc["threads"] = 2;  // the command line overrides it
  doc["sweep"] = {{"search.strategy", {"flood", "zone-flood"}}};
  std::ofstream(dir / "s.json") << doc.dump(2);
  const std::string scenario = (dir / "s.json").string();
  ASSERT_EQ(run_sim(scenario + " --threads 1 --out " + (dir / "one").string()), 0);
  ASSERT_EQ(run_sim(scenario + " --threads 3 --jobs 2 --out " + (dir / "three").string()), 0);
  for (const char* f : {"summary.json", "summary.csv", "queries.csv", "peers.csv", "timeseries.csv"}) {
    const std::string one = slurp(dir / "one" / f);
    EXPECT_GT(one.size(), 100u) << f;
    EXPECT_TRUE(one == slurp(dir / "three" / f)) << f << " differs between --threads 1 and 3";
  }
  EXPECT_NE(slurp(dir / "three" / "runs" / "0000" / "provenance.json").find("\"threads\": 3"), std::string::npos)
      << "provenance.json records the run's threads";
  std::filesystem::remove_all(dir / "one" / "runs" / "0001");
  EXPECT_EQ(run_sim(scenario + " --threads 2 --resume --out " + (dir / "one").string()), 0);
  EXPECT_TRUE(slurp(dir / "one" / "queries.csv") == slurp(dir / "three" / "queries.csv"));
  EXPECT_EQ(run_sim(scenario + " --threads 0 --out " + (dir / "zero").string()), 2 << 8) << "exit status 2";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zonal::test
