#pragma once
/// Conversion between core Chord messages (zonal::ChordMessage) and the wire schema's
/// ChordEnvelope (zonal.proto, carried by Peer.Chord). Encoding trusts its input (our own core);
/// decoding validates every field against the receiver's ring (ids below 2^id_bits), so a
/// decoded message can be handed straight to ChordNode::handle_message().
#include <optional>
#include <string>
#include <string_view>

#include "zonal.pb.h"
#include "zonal/chord_message.hpp"
#include "zonal/types.hpp"

namespace zonal::wire {

/// A validated incoming Chord message.
struct ChordDecoded {
  PeerId from = no_peer;  ///< the sender
  ChordMessage msg;       ///< every field range-checked
};

/// Outcome of decoding: exactly one of `value` (success) or a non-empty `error` is set.
struct ChordDecodeResult {
  std::optional<ChordDecoded> value;  ///< set on success
  std::string error;                  ///< on failure: the field and the problem ("forward.hops: ...")

  bool ok() const noexcept { return value.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// Build the wire envelope for `msg` sent by `from`; call before Peer.Chord.
ChordEnvelope encode_chord(PeerId from, const ChordMessage& msg);

/// Serialise `msg` from `from` to bytes; call when sending over a raw byte transport.
std::string encode_chord_bytes(PeerId from, const ChordMessage& msg);

/// Validate an already-parsed envelope for a ring of `id_bits`-bit ids (1..64); call on every
/// Peer.Chord request. Rejects oversized input, a missing body or required field, unknown enum
/// values, ids at or above 2^id_bits and values too wide for the core's fields.
ChordDecodeResult decode_chord(const ChordEnvelope& env, unsigned id_bits);

/// Parse and validate untrusted bytes (see decode_chord).
ChordDecodeResult decode_chord_bytes(std::string_view bytes, unsigned id_bits);

}  // namespace zonal::wire
