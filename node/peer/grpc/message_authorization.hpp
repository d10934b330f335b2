#pragma once
/// What an authenticated peer may send (docs/security.md, "What a member may send"). The gRPC
/// handlers first check that a message's sender is the caller (peer_identity.hpp), then these
/// rules on the message itself; a refusal is answered PERMISSION_DENIED with the returned text.
///  - Publish: only the holder publishes its own record (holder == sender).
///  - ZoneAssignment, Register, Heartbeat, Leave: never over Peer.Deliver (the tracker assigns
///    zones through its own service).
///  - ChordStore primary: only the holder stores its own record (holder == origin == sender).
///  - ChordStore replica/transfer: sent on behalf of others by ring neighbours; the holder named
///    must be a member of the current directory.
#include <functional>
#include <optional>
#include <string>

#include "zonal/chord_message.hpp"
#include "zonal/message.hpp"

namespace zonal::node {

/// Why `msg` from `from` must be refused; nullopt when it may be delivered.
std::optional<std::string> message_refusal(PeerId from, const Message& msg);

/// Why Chord message `msg` from `from` must be refused; nullopt when it may be delivered.
/// `is_member(p)` tells whether peer p is in the current directory.
std::optional<std::string> chord_message_refusal(PeerId from, const ChordMessage& msg,
                                                 const std::function<bool(PeerId)>& is_member);

}  // namespace zonal::node
