/// Node's Chord side: the ring membership beside the core peer (chord.enabled), its status and
/// chord searches.
#include <spdlog/spdlog.h>

#include <future>

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
  const ChordRef self = ChordRef::make(chord_id_of_address(m_address, bits), m_id);
  m_chord = std::make_unique<ChordRuntime>(self, m_config.chord.core, mix64(core_seed(m_id) ^ 0x63686f7264ull),
                                           m_config.chord.republish_us, *m_transport, *m_events);
  m_server->attach_chord(*m_chord);
  // Other members of the tracker's directory, placed on the ring by their advertised address,
  // without those that refused Chord calls (chord.enabled false there).
  m_chord->start([this, bits] {
    std::vector<ChordRef> out;
    for (const auto& [id, address] : m_book.all())
      if (id != m_id && !m_transport->refuses_chord(id)) out.push_back(ChordRef::make(chord_id_of_address(address, bits), id));
    return out;
  });
  spdlog::info("chord: id {:#018x} ({} bits) from address {}", self.id(), bits, m_address);
}

json Node::chord_status() {
  if (!m_chord) return {{"enabled", false}};
  const ChordRuntimeState s = m_chord->state();
  json successors = json::array();
  for (const auto& r : s.successors) successors.push_back(ref_json(r));
  return {{"enabled", true},
          {"state", s.state},
          {"id", s.self.id()},
          {"successor", ref_json(s.successor)},
          {"predecessor", ref_json(s.predecessor)},
          {"successors", successors},
          {"fingers", s.fingers},
          {"records", s.records},
          {"joins", s.joins}};
}

SearchOutcome Node::run_chord_search(const std::string& name) {
  if (!m_chord) throw ApiError(400, "strategy: chord needs chord.enabled true on this node");
  auto promise = std::make_shared<std::promise<SearchOutcome>>();
  auto result = promise->get_future();
  m_chord->find(file_key(name), [promise](SearchOutcome o) { promise->set_value(std::move(o)); });
  // Bounded by the core: every dead node costs at most (1 + retries) request timeouts, and a
  // lookup routes around at most detours_max of them.
  const ChordConfig& c = m_config.chord.core;
  const auto wait = std::chrono::microseconds(c.rpc_timeout_us * (c.rpc_retries + 1) * (c.detours_max + 4) +
                                              c.lookup_timeout_us * c.lookup_attempts) + std::chrono::seconds(5);
  if (result.wait_for(wait) != std::future_status::ready) throw ApiError(503, "search did not complete (node busy or stopping)");
  SearchOutcome out = result.get();
  if (!out.error.empty()) throw ApiError(503, "search failed: " + out.error);
  return out;
}

}  // namespace zonal::node
