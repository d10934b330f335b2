/// The `chord` section of a scenario: the ChordNode configuration of chord runs.
#include <array>
#include <cmath>
#include <set>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {
namespace {

constexpr double period_ms_max = 86'400'000;  ///< 1 day

constexpr std::array<Choice<ChordLookupMode>, 2> modes{
    {{"iterative", ChordLookupMode::iterative}, {"recursive", ChordLookupMode::recursive}}};
constexpr std::array<Choice<ChordRingKind>, 2> rings{
    {{"stable", ChordRingKind::stable}, {"join", ChordRingKind::join}}};

/// A maintenance period in milliseconds: 0 (never) up to one day.
double period_ms(const Section& s, std::string_view key, double fallback) {
  return at_most(s.get_number(key, fallback, Bound{0}), period_ms_max, s.path_of(key));
}

/// chord.ids: exactly one id per peer, each below 2^id_bits, no two equal.
std::vector<ChordId> parse_ids(const Section& s, std::uint32_t peers, std::uint8_t id_bits) {
  const Json* list = s.find("ids");
  if (list == nullptr) return {};
  const std::string path = s.path_of("ids");
  if (!list->is_array()) fail(path, "must be an array of integers");
  if (list->size() != peers)
    fail(path, "must hold one id per peer (" + std::to_string(peers) + "), got " + std::to_string(list->size()));
  const std::uint64_t id_max = id_bits >= 64 ? UINT64_MAX : (std::uint64_t{1} << id_bits) - 1;
  std::vector<ChordId> ids;
  ids.reserve(peers);
  std::set<ChordId> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    ids.push_back(to_uint((*list)[i], at, 0, id_max, true));
    if (!seen.insert(ids.back()).second) fail(at, "id " + std::to_string(ids.back()) + " is listed twice");
  }
  return ids;
}

}  // namespace

ChordSpec parse_chord(const Section& s, std::uint32_t peers) {
  s.reject_unknown(section_keys("chord"));
  ChordSpec c;
  c.id_bits = s.get_uint<std::uint8_t>("id_bits", c.id_bits, 1, 64);
  c.successors = s.get_uint<std::uint8_t>("successors", c.successors, 1, chord_successors_limit);
  c.stabilize_ms = period_ms(s, "stabilize_ms", c.stabilize_ms);
  c.fix_fingers_ms = period_ms(s, "fix_fingers_ms", c.fix_fingers_ms);
  c.check_predecessor_ms = period_ms(s, "check_predecessor_ms", c.check_predecessor_ms);
  c.mode = s.get_choice<ChordLookupMode>("mode", c.mode, modes);
  c.replication = s.get_bool("replication", c.replication);
  c.ring = s.get_choice<ChordRingKind>("ring", c.ring, rings);
  c.settle_ms = at_most(s.get_number("settle_ms", c.settle_ms, Bound{0, false}), period_ms_max, s.path_of("settle_ms"));
  // Every peer needs its own identifier: the space must hold them all (collisions are still
  // possible below 64 bits and make the run fail with a message naming the two peers).
  if (c.id_bits < 64 && (std::uint64_t{1} << c.id_bits) < peers) {
    fail(s.path_of("id_bits"), "2^id_bits must be >= peers (" + std::to_string(peers) + "), got " +
                                   std::to_string(c.id_bits));
  }
  c.ids = parse_ids(s, peers, c.id_bits);
  if (c.ring == ChordRingKind::join && c.stabilize_ms == 0) {
    fail(s.path_of("stabilize_ms"), "must be > 0 when chord.ring is \"join\" (the ring would never settle)");
  }
  return c;
}

}  // namespace zonal::sim::detail
