#pragma once
/// Computed overlays: the intra-zone links (and optionally the whole-network overlay) that the
/// simulator and real nodes derive from the same directory snapshot and seed, so both bodies
/// run on identical links without negotiating them.
#include <cstdint>
#include <span>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

class ZoneDirectory;

/// Links of one group of peers: a ring over `members` in the given order plus chords drawn
/// with zonal::Rng(seed) until the group holds ceil(n * degree / 2) links or is complete.
/// Returns, for each member position, its neighbours sorted ascending. Throws
/// std::invalid_argument when a peer is listed twice. Call to build one zone's links.
std::vector<std::vector<PeerId>> group_links(std::span<const PeerId> members, std::uint32_t degree,
                                             std::uint64_t seed);

/// Seed of zone `zone`'s links for a directory seeded with `links_seed`.
std::uint64_t zone_links_seed(std::uint64_t links_seed, ZoneId zone) noexcept;

/// Links of every zone (zone z uses zone_links_seed(seed, z)), indexed by peer id in [0, peers).
/// Throws std::invalid_argument for a member outside [0, peers) or listed twice. Call from
/// drivers that hold every peer (the simulator).
std::vector<std::vector<PeerId>> make_zone_links(std::size_t peers, std::span<const std::vector<PeerId>> zones,
                                                 std::uint32_t degree, std::uint64_t seed);

/// Zone neighbours of `self` in `directory` (its zone's links as make_zone_links builds them with
/// the directory's links_seed); empty when `self` is in no zone. Call from a real node whenever
/// a new directory arrives.
std::vector<PeerId> zone_neighbours_of(PeerId self, const ZoneDirectory& directory, std::uint32_t degree);

/// Whole-network overlay neighbours of `self`: group_links over every peer of `directory`
/// sorted by id, with degree `degree` and a seed derived from the directory's links_seed.
/// Call from a real node that computes its overlay instead of reading it from its config.
std::vector<PeerId> overlay_neighbours_of(PeerId self, const ZoneDirectory& directory, std::uint32_t degree);

}  // namespace zonal
