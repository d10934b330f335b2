/// The `chord` section of a scenario: the ChordNode configuration of chord runs.
#include <array>
#include <cmath>

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
  if (c.ring == ChordRingKind::join && c.stabilize_ms == 0) {
    fail(s.path_of("stabilize_ms"), "must be > 0 when chord.ring is \"join\" (the ring would never settle)");
  }
  return c;
}

}  // namespace zonal::sim::detail
