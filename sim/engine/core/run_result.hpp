#pragma once
/// What one simulation run measured; written out by output.cpp and aggregated by summary.cpp.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/timeseries.hpp"
#include "zonal/message.hpp"

namespace zonal::sim {

/// One row of queries.csv.
struct QueryRecord {
  std::uint32_t ordinal = 0;   ///< 1-based number of the query in its run
  std::uint64_t origin = 0;    ///< origin's label (edge-list node id or dense id)
  Strategy strategy = Strategy::flood;
  ZoneId zone = no_zone;       ///< home zone of the queried name
  bool exists = true;          ///< false for names nobody holds
  std::uint32_t messages = 0;      ///< query transmissions, duplicates and lost ones included
  std::uint32_t duplicates = 0;    ///< copies that reached a peer that had already seen the query
  std::uint32_t reached = 0;       ///< distinct peers other than the origin that received it
  std::uint32_t hits = 0;          ///< hits that arrived at the origin
  std::uint32_t hit_messages = 0;  ///< transmissions of hits along reverse paths
  std::int32_t first_hit_hops = -1;
  TimeUs first_hit_us = -1;
  TimeUs started_us = 0;
};

/// Per-peer load of the query phase (one row of peers.csv).
struct PeerLoad {
  std::uint64_t label = 0;
  ZoneId zone = no_zone;
  std::uint32_t degree = 0;
  std::uint32_t zone_degree = 0;
  std::uint32_t files = 0;     ///< files the peer holds
  std::uint32_t records = 0;   ///< index records kept for its zone
  std::uint32_t received = 0;  ///< query and hit messages delivered to the peer
  std::uint32_t sent = 0;      ///< query and hit messages the peer transmitted
};

/// What the faults did during one run (summary.json metrics of fault runs).
struct FaultCounters {
  std::uint64_t crashed = 0;       ///< peers that crashed (churn and mass failures)
  std::uint64_t mass_failed = 0;   ///< of which in mass failures
  std::uint64_t left = 0;          ///< graceful leaves
  std::uint64_t joined = 0;        ///< rejoins of offline peers
  std::uint64_t offline_dropped = 0;    ///< message copies that arrived at an offline peer
  std::uint64_t partition_dropped = 0;  ///< message copies that would have crossed a partition
  std::uint64_t queries_skipped = 0;    ///< queries whose origin was offline (never started)
};

/// How the failed queries of a Chord run ended (summary.json chord_* metrics of fault runs);
/// with the successes (hits > 0) they partition the started queries.
struct ChordOutcomes {
  std::uint64_t lookup_failed = 0;    ///< routing failed (no route, hop limit, timeout), ended late, or origin off the ring
  std::uint64_t interrupted = 0;      ///< the origin crashed or left while its lookup ran
  std::uint64_t wrong_successor = 0;  ///< routing ended at a node that is not the key's live successor, no record there
  std::uint64_t record_missing = 0;   ///< the key's live successor was reached but indexes no holder (record lost)
};

class QuerySpool;

struct RunResult {
  std::string label;
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  Strategy strategy = Strategy::flood;
  std::uint32_t peers = 0;
  std::uint64_t edges = 0;
  std::uint32_t zone_count = 0;
  std::uint64_t registration_messages = 0;  ///< Register + ZoneAssignment traffic
  std::uint64_t publish_messages = 0;       ///< index publication traffic
  std::uint64_t lost_messages = 0;
  // Chord runs only (search.strategy = chord):
  std::uint64_t ring_messages = 0;         ///< Chord joins and maintenance before the query phase
  std::uint64_t maintenance_messages = 0;  ///< Chord maintenance (and joins) during the query phase
  std::uint64_t ring_violations = 0;       ///< ring-checker violations once the ring formed (before publication)
  TimeUs ring_settle_us = 0;               ///< join ring: time from the last join until the ring was exact
  ChordOutcomes chord_outcomes;            ///< why the failed queries failed
  std::uint64_t events = 0;
  TimeUs end_us = 0;
  /// --threads: windows whose peers ran in parallel. Written to no result file (the results are
  /// the same for every thread count); tests use it to see the parallel path ran.
  std::uint64_t parallel_windows = 0;
  bool faults_active = false;  ///< churn, failures or partitions were simulated (fault metrics apply)
  FaultCounters faults;
  std::vector<QueryRecord> queries;  ///< the query rows, unless spooled (then empty)
  std::shared_ptr<const QuerySpool> query_spool;  ///< spooled runs (RunOptions::spool_dir): the query rows
  std::vector<PeerLoad> peers_load;
  Timeseries timeseries;  ///< output.timeseries_ms windows of the query phase (none when off)
};

}  // namespace zonal::sim
