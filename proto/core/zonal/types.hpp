#pragma once
/// Basic identifiers and limits shared by every part of the protocol core.
#include <cstdint>

namespace zonal {

using PeerId = std::uint32_t;   ///< dense peer identifier assigned by the driver or tracker
using ZoneId = std::uint32_t;   ///< zone number in [0, zone_count)
using QueryId = std::uint64_t;  ///< unique per query: (origin << 32) | origin's counter
using FileKey = std::uint64_t;  ///< stable 64-bit hash of a file name (see hash.hpp)
using TimeUs = std::int64_t;    ///< caller-supplied time in microseconds; the core never reads a clock

inline constexpr PeerId no_peer = 0xFFFFFFFFu;
inline constexpr ZoneId no_zone = 0xFFFFFFFFu;
/// The id a real tracker speaks as (peers' ids are below it). The simulator's tracker instead
/// takes the id after its last peer.
inline constexpr PeerId tracker_peer_id = 0xFFFFFFFEu;
inline constexpr std::uint8_t ttl_hops_max = 10;     ///< Gnutella 0.6 hard limit
inline constexpr std::uint8_t ttl_hops_default = 7;  ///< Gnutella 0.6 customary default
inline constexpr std::uint32_t zone_size_min_default = 6;

}  // namespace zonal
