#pragma once
/// One source of truth for the protocol's settings: ranges, protocol defaults and units of the
/// search settings, the names of strategies and zone placements and their parsing. The
/// simulator's scenario loader, the node's configuration, its REST and gRPC Client services and
/// the CLI all check against these; PeerConfig and SearchParams take their defaults from here.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zonal/message.hpp"
#include "zonal/types.hpp"

namespace zonal {

/// An integer protocol setting: its key (as in scenario files' `search` section and the node's
/// `search.*` keys), inclusive range, protocol default and unit.
struct UintSetting {
  std::string_view key;
  std::uint64_t min;
  std::uint64_t max;
  std::uint64_t default_value;
  std::string_view unit;

  /// True when `v` is within [min, max]; call before accepting a value from outside.
  constexpr bool contains(std::uint64_t v) const noexcept { return v >= min && v <= max; }
  /// "must be between MIN and MAX, got V": the text every body reports after the field's name.
  std::string range_error(std::uint64_t v) const;
  /// "MIN..MAX" for help texts.
  std::string range_text() const;
};

/// The search settings. Durations are in milliseconds and enter the core through us_from_ms().
namespace setting {
inline constexpr UintSetting ttl{"ttl", 1, ttl_hops_max, ttl_hops_default, "hops"};
inline constexpr UintSetting walkers{"walkers", 1, 1024, 16, "walkers"};
/// Walker hops are 16 bits on the wire.
inline constexpr UintSetting walk_ttl{"walk_ttl", 1, 65535, 1024, "hops"};
inline constexpr UintSetting check_every{"check_every", 0, 255, 4, "hops"};
inline constexpr UintSetting ring_start{"ring_start", 1, ttl_hops_max, 1, "hops"};
inline constexpr UintSetting ring_step{"ring_step", 1, ttl_hops_max, 2, "hops"};
inline constexpr UintSetting seen_capacity{"seen_capacity", 1, 10'000'000, 256, "query ids"};
/// Bounds of the search timeout and ring wait the core accepts (1 day).
inline constexpr UintSetting timeout_ms{"timeout_ms", 1, 86'400'000, 10'000, "ms"};
inline constexpr UintSetting ring_wait_ms{"ring_wait_ms", 1, 86'400'000, 1'000, "ms"};
inline constexpr UintSetting publish_replicas{"publish_replicas", 1, 1000, 2, "members"};
}  // namespace setting

/// Every strategy, in the order of their enum values.
inline constexpr std::array<Strategy, strategy_count> all_strategies{
    Strategy::flood, Strategy::zone_flood, Strategy::random_walk, Strategy::expanding_ring, Strategy::chord};

/// Strategy name as used in scenario files, configuration, APIs and CSV output ("zone-flood").
constexpr const char* strategy_name(Strategy strategy) noexcept {
  switch (strategy) {
    case Strategy::flood: return "flood";
    case Strategy::zone_flood: return "zone-flood";
    case Strategy::random_walk: return "random-walk";
    case Strategy::expanding_ring: return "expanding-ring";
    case Strategy::chord: return "chord";
  }
  return "unknown";
}

/// The strategy named `name`, or nullopt; call on every strategy name from outside.
std::optional<Strategy> parse_strategy(std::string_view name) noexcept;

/// "flood, zone-flood, random-walk, expanding-ring or chord": the choices, for help and error texts.
std::string strategy_choices();

/// How a searcher picks the home-zone member to contact, and how publishers pick record keepers.
enum class ZonePlacement : std::uint8_t {
  random = 0,      ///< uniform random member (the first seed's design); misses fall back to a zone flood
  rendezvous = 1,  ///< highest-random-weight members: the searcher contacts a record keeper directly
};

/// Which of a key's record keepers a rendezvous searcher contacts (ignored by random placement).
enum class ZoneEntry : std::uint8_t {
  top = 0,         ///< always the highest-scoring member: every search for a key meets the same member
  any_keeper = 1,  ///< per search, a uniform choice among the publish_replicas highest-scoring members
};

/// Scenario and configuration spelling of `p` ("random", "rendezvous").
constexpr const char* zone_placement_name(ZonePlacement p) noexcept {
  return p == ZonePlacement::rendezvous ? "rendezvous" : "random";
}

/// Scenario and configuration spelling of `e` ("top", "any-keeper").
constexpr const char* zone_entry_name(ZoneEntry e) noexcept { return e == ZoneEntry::any_keeper ? "any-keeper" : "top"; }

/// The placement named `name` ("rendezvous", "random"), or nullopt.
std::optional<ZonePlacement> parse_zone_placement(std::string_view name) noexcept;

/// The entry named `name` ("top", "any-keeper"), or nullopt.
std::optional<ZoneEntry> parse_zone_entry(std::string_view name) noexcept;

}  // namespace zonal
