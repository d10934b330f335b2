#pragma once
/// Conversion between core messages (zonal::Message) and the protobuf wire schema (zonal.proto).
/// Encoding trusts its input (it comes from our own core); decoding trusts nothing and validates
/// every field, so a decoded message can be handed straight to Peer/Tracker::handle_message().
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "zonal.pb.h"
#include "zonal/message.hpp"
#include "zonal/types.hpp"

namespace zonal::wire {

/// Largest encoded envelope accepted by the decoder, in bytes.
inline constexpr std::size_t max_message_bytes = 64 * 1024;
/// Longest file name a Query may carry, in bytes.
inline constexpr std::size_t max_name_bytes = 1024;

/// A validated incoming message.
struct Decoded {
  PeerId from = no_peer;            ///< the sender
  zonal::Message msg;               ///< the protocol message, every field range-checked
  std::optional<std::string> name;  ///< Query's human file name, when it carried one
};

/// Outcome of decoding: exactly one of `value` (success) or a non-empty `error` is set.
struct DecodeResult {
  std::optional<Decoded> value;  ///< set on success
  std::string error;             ///< on failure: what was wrong, naming the field (e.g. "query.hops: ...")

  bool ok() const noexcept { return value.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// Build the wire envelope for `msg` sent by `from`; call before Peer.Deliver or to serialise.
Envelope encode(PeerId from, const zonal::Message& msg);

/// Like encode() for a Query, also carrying the human file `name` (whose FNV-1a must be q.key);
/// call from real nodes that start or forward a search for a named file.
Envelope encode_query(PeerId from, const zonal::Query& q, std::string_view name);

/// Serialise `msg` from `from` to bytes; call when sending over a raw byte transport.
std::string encode_bytes(PeerId from, const zonal::Message& msg);

/// Parse and validate untrusted bytes; call on every datagram/frame received from the network.
/// Rejects oversized input, unparsable bytes, a missing body and any out-of-range field.
DecodeResult decode_bytes(std::string_view bytes);

/// Validate an already-parsed envelope (e.g. the request of Peer.Deliver); call before using it.
DecodeResult decode(const Envelope& env);

}  // namespace zonal::wire
