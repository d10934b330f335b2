#include "zonal/hash.hpp"

namespace zonal {

FileKey file_key(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;  // FNV-1a 64 prime
  }
  return h;
}

std::uint32_t jump_consistent_hash(std::uint64_t key, std::uint32_t buckets) noexcept {
  std::int64_t b = -1;
  std::int64_t j = 0;
  while (j < static_cast<std::int64_t>(buckets)) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = static_cast<std::int64_t>(static_cast<double>(b + 1) *
                                  (static_cast<double>(1ll << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::uint32_t>(b < 0 ? 0 : b);
}

ZoneId home_zone(FileKey key, std::uint32_t zone_count) noexcept {
  return zone_count == 0 ? no_zone : jump_consistent_hash(key, zone_count);
}

std::uint64_t rendezvous_score(FileKey key, PeerId peer) noexcept {
  return mix64(key ^ mix64(peer));
}

}  // namespace zonal
