/// Node's Chord side: the ring membership beside the core peer (chord.enabled), its status and
/// chord searches.
#include <spdlog/spdlog.h>


#include "node.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/hash.hpp"

namespace zonal::node {
namespace {

using nlohmann::json;

json ref_json(const ChordRef& r) {
  if (!r.valid()) return nullptr;
  return {{"id", r.id()}, {"peer", r.peer}};
}

}  // namespace

void Node::start_chord() {
  const unsigned bits = m_config.chord.core.id_bits;
  m_chord = std::make_unique<ChordRuntime>(m_address, m_id, m_config.chord.core, mix64(core_seed(m_id) ^ 0x63686f7264ull),
                                           m_config.chord.republish_us, *m_transport, *m_events, *m_ids);
  m_server->attach_chord(*m_chord);
  // Other members of the tracker's directory, placed on the ring by their advertised address
  // (first draw: a member that drew again is still reached, the core trusts a bootstrap's
  // answers and not the id guessed for it), without those that refused Chord calls
  // (chord.enabled false there).
  m_chord->start([this, bits] {
    std::vector<ChordRef> out;
    for (const auto& [id, address] : m_book.all())
      if (id != m_id && !m_transport->refuses_chord(id)) out.push_back(ChordRef::make(chord_id_of_address(address, bits), id));
    return out;
  });
  spdlog::info("chord: id {:#018x} ({} bits) from address {}", chord_id_draw(m_address, bits, 0), bits, m_address);
}

json Node::chord_status() {
  if (!m_chord) return {{"enabled", false}};
  const ChordRuntimeState s = m_chord->state();
  json successors = json::array();
  for (const auto& r : s.successors) successors.push_back(ref_json(r));
  json finger_peers = json::array();
  for (const auto& r : s.finger_refs) finger_peers.push_back(r.peer);
  return {{"enabled", true},
          {"state", s.state},
          {"id", s.self.id()},
          {"successor", ref_json(s.successor)},
          {"predecessor", ref_json(s.predecessor)},
          {"successors", successors},
          {"fingers", s.fingers},
          {"finger_peers", finger_peers},
          {"records", s.records},
          {"records_expired", s.records_expired},
          {"joins", s.joins},
          {"id_draw", s.id_draw},
          {"gave_up", s.gave_up}};
}

std::chrono::microseconds Node::chord_find_bound() const {
  // Bounded by the core: every dead node costs at most (1 + retries) request timeouts, and a
  // lookup routes around at most detours_max of them.
  const ChordConfig& c = m_config.chord.core;
  return std::chrono::microseconds(c.rpc_timeout_us * (c.rpc_retries + 1) * (c.detours_max + 4) +
                                   c.lookup_timeout_us * c.lookup_attempts);
}

}  // namespace zonal::node
