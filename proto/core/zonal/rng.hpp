#pragma once
/// A tiny seeded PRNG for per-peer decisions (8 bytes of state, so a million peers stay small).
#include <cstdint>

#include "zonal/hash.hpp"

namespace zonal {

/// SplitMix64 generator; identical sequence on every platform for the same seed.
class Rng {
 public:
  /// Create with a seed the driver derived for this peer (e.g. mix64(scenario_seed ^ peer)).
  explicit Rng(std::uint64_t seed) noexcept : m_state(seed) {}
  /// The generator seeded with `seed` after `draws` calls of next() (or below()): the state
  /// only advances by a constant, so a peer can keep a draw count instead of the state.
  static Rng after(std::uint64_t seed, std::uint64_t draws) noexcept { return Rng(seed + draws * gamma); }

  /// Next 64 random bits; call for any random decision.
  std::uint64_t next() noexcept {
    const std::uint64_t out = mix64(m_state);  // mix64 adds the golden gamma first: standard SplitMix64
    m_state += gamma;
    return out;
  }

  /// Uniform integer in [0, bound) by Lemire's multiply-shift; bound must be > 0.
  std::uint32_t below(std::uint32_t bound) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(bound)) >> 32);
  }

 private:
  static constexpr std::uint64_t gamma = 0x9e3779b97f4a7c15ull;
  std::uint64_t m_state;
};

}  // namespace zonal
