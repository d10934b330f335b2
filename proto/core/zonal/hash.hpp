#pragma once
/// Stable, platform-independent hashes used to place files in zones.
/// Documented in docs/protocol.md; never replace with std::hash.
#include <cstdint>
#include <string_view>

#include "zonal/types.hpp"

namespace zonal {

/// 64-bit FNV-1a of the bytes of `name`; call to turn a file name into its FileKey.
FileKey file_key(std::string_view name) noexcept;

/// SplitMix64 output for state `x` (golden gamma added, then the finaliser): a bijective 64-bit
/// mix; call to derive seeds and scores. Inline: the seen table hashes every delivered query id.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Jump consistent hash (Lamping & Veach 2014) of `key` into [0, buckets).
/// Call to map a key to a bucket when the bucket count may change; buckets must be >= 1.
std::uint32_t jump_consistent_hash(std::uint64_t key, std::uint32_t buckets) noexcept;

/// Home zone of a file: jump_consistent_hash(key, zone_count). Call wherever a file's zone is needed.
ZoneId home_zone(FileKey key, std::uint32_t zone_count) noexcept;

/// Rendezvous (highest-random-weight) score of `peer` for `key`; higher wins.
std::uint64_t rendezvous_score(FileKey key, PeerId peer) noexcept;

}  // namespace zonal
