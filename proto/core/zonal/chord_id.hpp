#pragma once
/// Chord identifiers: m-bit positions on the ring, interval tests, node references, and the
/// stable hashes that place peers and files on the ring (docs/protocol.md, "Chord").
#include <bit>
#include <cstdint>
#include <string_view>

#include "zonal/types.hpp"

namespace zonal {

using ChordId = std::uint64_t;  ///< a position on the ring, in [0, 2^m)

inline constexpr unsigned chord_id_bits_max = 64;

/// The identifier space of one ring: m bits (1 to 64), arithmetic modulo 2^m. Only the mask is
/// stored, so a node's routing table pays 8 bytes for it.
class ChordSpace {
 public:
  /// A ring of `bits` bits; values outside [1, 64] are clamped.
  constexpr explicit ChordSpace(unsigned bits = chord_id_bits_max) noexcept
      : m_mask(bits >= 64 ? ~ChordId{0} : (ChordId{1} << (bits < 1 ? 1 : bits)) - 1) {}

  constexpr unsigned bits() const noexcept { return static_cast<unsigned>(std::popcount(m_mask)); }
  constexpr ChordId mask() const noexcept { return m_mask; }
  /// True when `id` is a position of this ring (below 2^m); call on every id read from a message.
  constexpr bool valid(ChordId id) const noexcept { return (id & ~m_mask) == 0; }
  /// Clockwise distance from `from` to `to`, in [0, 2^m).
  constexpr ChordId distance(ChordId from, ChordId to) const noexcept { return (to - from) & m_mask; }
  /// x in (a, b], clockwise; (a, a] is the whole ring. Call to test key ownership.
  constexpr bool in_half_open(ChordId x, ChordId a, ChordId b) const noexcept {
    const ChordId db = distance(a, b);
    const ChordId dx = distance(a, x);
    return db == 0 || (dx != 0 && dx <= db);
  }
  /// x in (a, b), clockwise; (a, a) is the ring without a. Call to test "strictly between".
  constexpr bool in_open(ChordId x, ChordId a, ChordId b) const noexcept {
    const ChordId db = distance(a, b);
    const ChordId dx = distance(a, x);
    return dx != 0 && (db == 0 || dx < db);
  }
  /// Start of finger k (1-based, 1 <= k <= m): id + 2^(k-1) mod 2^m.
  constexpr ChordId finger_start(ChordId id, unsigned k) const noexcept {
    return (id + (ChordId{1} << (k - 1))) & m_mask;
  }

 private:
  ChordId m_mask;
};

/// A 64-bit value stored as two 32-bit halves, so that messages stay 4-byte aligned and pack
/// into 24 bytes (a plain uint64_t would pad every message to a multiple of 8).
struct ChordPackedId {
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;

  /// Pack `value`; call when building a message.
  static constexpr ChordPackedId of(std::uint64_t value) noexcept {
    return ChordPackedId{static_cast<std::uint32_t>(value), static_cast<std::uint32_t>(value >> 32)};
  }
  /// The packed value; call when reading a message.
  constexpr std::uint64_t value() const noexcept { return (std::uint64_t{hi} << 32) | lo; }
  bool operator==(const ChordPackedId&) const = default;
};

/// A ring member: its Chord id and its PeerId (the driver's address for it), so a receiver can
/// contact any node it hears of without an address book. 12 bytes, 4-byte aligned.
struct ChordRef {
  ChordPackedId packed_id;
  PeerId peer = no_peer;

  /// The reference to `peer` at ring position `id`.
  static constexpr ChordRef make(ChordId id, PeerId peer) noexcept { return ChordRef{ChordPackedId::of(id), peer}; }
  constexpr ChordId id() const noexcept { return packed_id.value(); }
  /// False for the "no node" value (`ChordRef{}`), e.g. an unknown predecessor.
  constexpr bool valid() const noexcept { return peer != no_peer; }
  bool operator==(const ChordRef&) const = default;
};

/// Chord id of a peer: the top m bits of mix64(FNV-1a-64(address)). In the simulator a peer's
/// address is its decimal PeerId ("42"); real nodes use "host:port". Call once per node.
ChordId chord_id_of_address(std::string_view address, unsigned bits) noexcept;

/// Id draws a node may make before it gives up joining: one per id found taken by another ring
/// member. Bounds what a peer that keeps claiming our ids can make us do.
inline constexpr unsigned chord_id_draws_max = 32;

/// Chord id of draw `draw` (0-based) of the node at `address`: draw 0 is
/// chord_id_of_address(address, bits), draw k >= 1 is chord_id_of_address("<address>#<k>", bits).
/// A node whose id another ring member holds draws again (docs/protocol.md, "Chord"). Call when
/// placing a node and after each ChordJoinFailed with id_taken.
ChordId chord_id_draw(std::string_view address, unsigned bits, unsigned draw);

/// Chord key of a file: the top m bits of mix64(file_key). chord_key_of_file(file_key(name), m)
/// equals chord_id_of_address(name, m), so names and addresses share one hash. Call to place a file.
ChordId chord_key_of_file(FileKey file, unsigned bits) noexcept;

}  // namespace zonal
