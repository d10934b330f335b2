#include "message_authorization.hpp"

namespace zonal::node {

std::optional<std::string> message_refusal(PeerId from, const Message& msg) {
  if (const auto* p = std::get_if<Publish>(&msg)) {
    if (p->holder != from)
      return "publish.holder: " + std::to_string(p->holder) + " is not the sender " + std::to_string(from) +
             " (only a holder publishes its own records)";
    return std::nullopt;
  }
  if (std::holds_alternative<ZoneAssignment>(msg)) return "zone_assignment: only the tracker assigns zones";
  if (std::holds_alternative<Register>(msg) || std::holds_alternative<Heartbeat>(msg) || std::holds_alternative<Leave>(msg))
    return "registration, heartbeat and leave go to the tracker, not to peers";
  return std::nullopt;
}

std::optional<std::string> chord_message_refusal(PeerId from, const ChordMessage& msg,
                                                 const std::function<bool(PeerId)>& is_member) {
  const auto* s = std::get_if<ChordStore>(&msg);
  if (s == nullptr) return std::nullopt;
  if (s->kind == ChordStoreKind::primary) {
    if (s->holder != from || s->origin != from)
      return "store.holder: " + std::to_string(s->holder) + " is not the sender " + std::to_string(from) +
             " (a primary record is stored by its holder only)";
    return std::nullopt;
  }
  if (!is_member(s->holder))
    return "store.holder: " + std::to_string(s->holder) + " is not a member of the directory";
  return std::nullopt;
}

}  // namespace zonal::node
