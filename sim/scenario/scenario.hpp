#pragma once
/// Scenario files: parsing, validation (every error names its JSON path) and sweep expansion.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zonal/chord_config.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/message.hpp"
#include "zonal/peer_config.hpp"
#include "zonal/settings.hpp"
#include "zonal/time.hpp"

namespace zonal::sim {

enum class TopologyKind { random_regular, erdos_renyi, barabasi_albert, watts_strogatz, k_out, edge_list };
enum class LatencyKind { constant, uniform, lognormal };

struct TopologySpec {
  TopologyKind kind = TopologyKind::random_regular;
  std::uint32_t degree = 8;         ///< random-regular degree; watts-strogatz lattice degree (even)
  double degree_mean = 8.0;         ///< erdos-renyi mean degree
  std::uint32_t attach = 4;         ///< barabasi-albert links per new node
  double rewire = 0.1;              ///< watts-strogatz rewiring probability
  std::uint32_t k = 4;              ///< k-out links drawn per peer (PeerSim's WireKOut), made undirected
  std::filesystem::path file;       ///< edge-list file, resolved relative to the scenario file
};

struct LatencySpec {
  LatencyKind kind = LatencyKind::constant;
  double mean_ms = 50.0;  ///< constant value; lognormal mean
  double min_ms = 10.0;   ///< uniform lower bound
  double max_ms = 100.0;  ///< uniform upper bound
  double sigma = 0.5;     ///< lognormal shape (sigma of the underlying normal)
};

struct ZonesSpec {
  std::uint32_t count = 8;             ///< zones wanted (tracker target)
  std::uint32_t min_size = 6;          ///< minimum members per zone
  std::uint32_t degree = 4;            ///< mean intra-zone link degree
  ZonePlacement placement = PeerConfig{}.zone_placement;           ///< default: the protocol's (peer_config.hpp)
  std::uint32_t publish_replicas = PeerConfig{}.publish_replicas;  ///< members of the home zone that receive each index record
  std::optional<std::uint64_t> links_seed;  ///< seed of the computed zone links; default: from the run seed
  ZoneEntry entry = PeerConfig{}.zone_entry;  ///< which record keeper a rendezvous searcher contacts
};

/// One explicitly placed file (content.placement).
struct PlacedFile {
  std::string name;
  std::vector<PeerId> holders;
};

struct ContentSpec {
  std::uint32_t files = 1000;   ///< distinct file names
  std::uint32_t replicas = 3;   ///< peers holding each file
  std::vector<PlacedFile> placement;  ///< explicit names and holders; empty = random placement
};

/// One explicitly scripted query (workload.script).
struct ScriptedQuery {
  PeerId origin = 0;
  std::string name;
  double at_ms = 0;  ///< since the start of the query phase; non-decreasing along the script
};

struct WorkloadSpec {
  std::uint32_t queries = 1000;
  double rate_per_s = 100.0;       ///< Poisson arrival rate of queries
  double zipf_alpha = 0.8;         ///< popularity skew of queried names (0 = uniform)
  double missing_fraction = 0.0;   ///< share of queries for names nobody holds
  double start_ms = 0.0;           ///< the first arrival comes this long after the query phase starts
  std::vector<ScriptedQuery> script;  ///< explicit queries; empty = random Poisson/Zipf stream
};

/// The `search` section. Ranges and defaults are the core's (zonal/settings.hpp).
struct SearchSpec {
  Strategy strategy = Strategy::zone_flood;
  /// ttl, walkers, walk_ttl, check_every, ring_start, ring_step and ring_wait_ms as the core takes
  /// them (the loader converts ring_wait_ms with us_from_ms); every peer searches with these.
  SearchParams params;
  std::uint32_t seen_capacity = setting::seen_capacity.default_value;
  double timeout_ms = setting::timeout_ms.default_value;
  /// The search timeout in the core's microseconds; call wherever the timeout enters the engine.
  TimeUs timeout_us() const noexcept { return us_from_ms(timeout_ms); }
};

/// How a Chord ring is formed before publication (chord.ring).
enum class ChordRingKind {
  stable,  ///< every node gets the exact converged state at once (install_stable_state), no join traffic
  join,    ///< nodes register with the tracker one by one and join through a registered member
};

/// The `chord` section: the ChordNode configuration of `search.strategy = chord` runs (ignored otherwise).
struct ChordSpec {
  std::uint8_t id_bits = 64;          ///< m: identifier bits (1 to 64)
  std::uint8_t successors = 8;        ///< r: successor-list length (1 to 32)
  double stabilize_ms = 30000.0;      ///< mean stabilize period; 0 = never
  double fix_fingers_ms = 30000.0;    ///< mean fix_fingers period; 0 = never
  double check_predecessor_ms = 30000.0;  ///< mean check_predecessor period; 0 = never
  ChordLookupMode mode = ChordLookupMode::iterative;  ///< lookups, finds and stores
  bool replication = false;           ///< records also at the key successor's r successors
  ChordRingKind ring = ChordRingKind::stable;
  double settle_ms = 3'600'000.0;     ///< join ring: longest wait after the last join for an exact ring
  /// Explicit node ids, one per peer in dense peer order (chord.ids); empty = chord_id_of_address
  /// of each peer's address. Lets a run reproduce a real ring exactly (conformance).
  std::vector<ChordId> ids;
};

/// Session-length families for churn (faults.churn.lifetime).
enum class LifetimeKind { exponential, weibull, pareto };
/// How peers come and go (faults.churn.model).
enum class ChurnModel {
  none,      ///< no churn
  sessions,  ///< every peer alternates online sessions and offline periods drawn from `lifetime`
  poisson,   ///< failures and joins as Poisson processes of rate_per_s each (Chord paper, section 6.4)
};

/// faults.churn: starts with the query phase and lasts until its last query is done.
struct ChurnSpec {
  ChurnModel model = ChurnModel::none;
  LifetimeKind lifetime = LifetimeKind::exponential;
  double session_mean_s = 3600.0;  ///< mean online time (sessions model)
  double offline_mean_s = 3600.0;  ///< mean offline time before the peer joins again (sessions model)
  double shape = 2.0;              ///< Weibull k, or Pareto alpha (> 1 so that the mean exists)
  double rate_per_s = 0.05;        ///< poisson model: failures per second, and as many joins per second
  double leave_fraction = 0.0;     ///< share of departures that are graceful leaves instead of crashes
};

/// faults.failures[i]: at `at_ms` (since the query phase started) a fraction of the live peers, or
/// every member of one zone, crash at once.
struct MassFailure {
  double at_ms = 0.0;
  double fraction = 0.0;       ///< used when `zone` is empty
  std::optional<ZoneId> zone;  ///< crash this whole zone instead of a fraction
};

/// faults.partitions[i]: from `from_ms` until `until_ms` (since the query phase started) no
/// message crosses between the listed zones and all other zones.
struct PartitionSpec {
  double from_ms = 0.0;
  double until_ms = 0.0;
  std::vector<ZoneId> zones;
};

/// Every fault knob of a scenario, in one place (the scenario's `faults` section).
struct FaultSpec {
  double loss = 0.0;  ///< probability that any one message is lost
  ChurnSpec churn;
  std::vector<MassFailure> failures;
  std::vector<PartitionSpec> partitions;
  /// With churn, failures or partitions: how often every live peer heartbeats the tracker and
  /// then refreshes its zone directory and zone links when membership changed (the real node's
  /// cycle), and how long the tracker waits before expiring a silent (crashed) peer.
  double heartbeat_ms = 2000.0;
  double expiry_ms = 10000.0;
  /// Count each heartbeat as one registration message (registration_messages and the time
  /// series), as a real node's Heartbeat call is; off by default (the committed results).
  bool count_heartbeats = false;
};

/// The `output` section: optional extra result files.
struct OutputSpec {
  double timeseries_ms = 0.0;  ///< window of timeseries.csv; 0 = no time series (the default)
};

/// Largest `threads` of a scenario (and `zonal-sim --threads`).
inline constexpr std::uint32_t threads_max = 256;

/// One fully specified, validated run.
struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  std::uint32_t peers = 1000;  ///< for edge-list topologies: taken from the file
  TopologySpec topology;
  ZonesSpec zones;
  LatencySpec latency;
  FaultSpec faults;
  ContentSpec content;
  WorkloadSpec workload;
  SearchSpec search;
  ChordSpec chord;
  OutputSpec output;
  /// Threads of one flood-family run (conservative windows, docs/performance.md "Threads"); the
  /// results are the same for every value, so it is kept out of the run's document and identity.
  std::uint32_t threads = 1;
};

/// One point of the sweep's cross product.
struct RunSpec {
  std::string label;   ///< "search.strategy=flood,search.ttl=5" or "base" without a sweep
  Scenario scenario;
  /// The swept values of this point, typed as in the file: {"search.ttl": 5, ...}; {} without a sweep.
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
  /// The document this point was parsed from (overrides and sweep values applied, no "sweep" or
  /// "replications"; "name" and "seed" are the plan's): scenario.resolved.json.
  nlohmann::ordered_json document = nlohmann::ordered_json::object();
};

/// A whole scenario file: its runs (sweep expanded) and replications per run.
struct ScenarioPlan {
  std::string name;
  std::uint64_t seed = 1;
  std::uint32_t replications = 1;
  std::vector<RunSpec> runs;
  std::vector<std::string> swept_paths;  ///< the sweep axes in file order (summary.csv parameter columns)
  std::vector<std::string> warnings;     ///< e.g. a sweep value that has no effect on some runs
};

/// One `--set key.path=value` override: `value` is JSON when it parses as JSON, else a string.
struct Override {
  std::string path;
  nlohmann::ordered_json value;
};

/// Parse "key.path=value" into an Override; throws ScenarioError naming the text when malformed.
Override parse_override(const std::string& text);

/// A rejected scenario; what() reads "<json.path>: <problem>" (e.g. "zones.min_size: must be >= 1").
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parse and validate a scenario document; `base_dir` resolves relative file paths.
/// Every sweep point is validated too, so nothing runs unless all runs are valid.
ScenarioPlan parse_scenario(const nlohmann::json& doc, const std::filesystem::path& base_dir);

/// Read, parse and validate a scenario file; throws ScenarioError (also for unreadable files / bad JSON).
/// `overrides` are applied to the document before validation (as if written in the file); an
/// override of a swept path is refused.
ScenarioPlan load_scenario(const std::filesystem::path& file, const std::vector<Override>& overrides = {});

/// Seed of replication `r` of a plan seeded with `seed`: r == 0 uses `seed` itself.
std::uint64_t replication_seed(std::uint64_t seed, std::uint32_t r) noexcept;

}  // namespace zonal::sim
