// Tests for proto/core/zonal/zone_links.hpp: computed zone and overlay links shared by sim and nodes.
#include "zonal/zone_links.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <set>
#include <stdexcept>

#include "zonal/zone_directory.hpp"

namespace zonal {
namespace {

/// Every member reachable from the first using only links between members.
bool zone_connected(const std::vector<std::vector<PeerId>>& links, const std::vector<PeerId>& members) {
  if (members.empty()) return true;
  const std::set<PeerId> inside(members.begin(), members.end());
  std::set<PeerId> seen{members.front()};
  std::deque<PeerId> frontier{members.front()};
  while (!frontier.empty()) {
    const PeerId p = frontier.front();
    frontier.pop_front();
    for (const PeerId q : links[p]) {
      if (inside.count(q) && seen.insert(q).second) frontier.push_back(q);
    }
  }
  return seen.size() == inside.size();
}

std::vector<std::vector<PeerId>> shuffled_zones(std::size_t peers, std::size_t zone_count) {
  std::vector<std::vector<PeerId>> zones(zone_count);
  for (PeerId p = 0; p < peers; ++p) zones[(p * 7919u) % zone_count].push_back(p);  // interleaved membership
  return zones;
}

TEST(ZoneLinks, ConnectedSymmetricAndNearRequestedDegree) {
  const std::size_t peers = 3000;
  const auto zones = shuffled_zones(peers, 40);
  const auto links = make_zone_links(peers, zones, 6, 9);
  ASSERT_EQ(links.size(), peers);
  for (const auto& members : zones) {
    EXPECT_TRUE(zone_connected(links, members));
    const std::set<PeerId> inside(members.begin(), members.end());
    std::size_t degree_sum = 0;
    for (const PeerId p : members) {
      for (const PeerId q : links[p]) EXPECT_TRUE(inside.count(q)) << "link leaves the zone";
      degree_sum += links[p].size();
    }
    EXPECT_NEAR(static_cast<double>(degree_sum) / members.size(), 6.0, 0.1);
  }
  for (PeerId p = 0; p < peers; ++p) {
    const auto& list = links[p];
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
    EXPECT_EQ(std::adjacent_find(list.begin(), list.end()), list.end()) << "duplicate at " << p;
    EXPECT_EQ(std::count(list.begin(), list.end(), p), 0);
    for (const PeerId q : list) EXPECT_TRUE(std::binary_search(links[q].begin(), links[q].end(), p));
  }
}

TEST(ZoneLinks, SmallZonesAndOutsiders) {
  const std::vector<std::vector<PeerId>> zones{{4}, {1, 7}, {0, 2, 5}, {3, 6, 8, 9}};
  const auto links = make_zone_links(12, zones, 8, 1);
  ASSERT_EQ(links.size(), 12u);
  EXPECT_TRUE(links[4].empty());
  EXPECT_EQ(links[1], std::vector<PeerId>{7});
  EXPECT_EQ(links[0], (std::vector<PeerId>{2, 5}));     // triangle
  EXPECT_EQ(links[3], (std::vector<PeerId>{6, 8, 9}));  // degree 8 caps at complete
  EXPECT_TRUE(links[10].empty() && links[11].empty());
}

TEST(ZoneLinks, RingOnlyForDegreeTwoOrLess) {
  const std::vector<std::vector<PeerId>> zones{{5, 3, 1, 0, 2, 4}};
  const auto links = make_zone_links(6, zones, 2, 1);
  EXPECT_EQ(links[5], (std::vector<PeerId>{3, 4}));
  EXPECT_EQ(links[1], (std::vector<PeerId>{0, 3}));
}

TEST(ZoneLinks, DeterministicPerSeed) {
  const auto zones = shuffled_zones(2000, 10);
  EXPECT_EQ(make_zone_links(2000, zones, 8, 3), make_zone_links(2000, zones, 8, 3));
  EXPECT_NE(make_zone_links(2000, zones, 8, 3), make_zone_links(2000, zones, 8, 4));
}

TEST(ZoneLinks, RejectsBadMembers) {
  const std::vector<std::vector<PeerId>> outside{{0, 1, 9}};
  EXPECT_THROW(make_zone_links(5, outside, 4, 1), std::invalid_argument);
  const std::vector<std::vector<PeerId>> repeated{{0, 1, 0}};
  EXPECT_THROW(make_zone_links(5, repeated, 4, 1), std::invalid_argument);
}

TEST(ZoneLinks, ZoneNeighboursOfMatchMakeZoneLinks) {
  const std::vector<std::vector<PeerId>> zones{{0, 2, 4, 6, 8, 10, 12, 14}, {1, 3, 5, 7, 9, 11, 13, 15}};
  const ZoneDirectory dir(zones, 3, 77);
  const auto links = make_zone_links(16, zones, 3, 77);
  for (PeerId p = 0; p < 16; ++p) EXPECT_EQ(zone_neighbours_of(p, dir, 3), links[p]) << "peer " << p;
  EXPECT_TRUE(zone_neighbours_of(99, dir, 3).empty());
}

TEST(ZoneLinks, ZonesAreIndependentOfEachOther) {
  // Zone 1's links depend only on its members, the seed and its index, so a node can compute
  // its own zone without the others.
  const std::vector<std::vector<PeerId>> a{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}};
  const std::vector<std::vector<PeerId>> b{{0, 1, 2, 3, 4, 5, 12}, {6, 7, 8, 9, 10, 11}};
  const auto la = make_zone_links(13, a, 4, 5);
  const auto lb = make_zone_links(13, b, 4, 5);
  for (PeerId p = 6; p < 12; ++p) EXPECT_EQ(la[p], lb[p]);
}

TEST(ZoneLinks, OverlayIsSymmetricConnectedAndSeeded) {
  std::vector<std::vector<PeerId>> zones{{}, {}};
  for (PeerId p = 0; p < 32; ++p) zones[p % 2].push_back(p);
  const ZoneDirectory dir(zones, 1, 9);
  std::vector<std::vector<PeerId>> links(32);
  for (PeerId p = 0; p < 32; ++p) links[p] = overlay_neighbours_of(p, dir, 4);
  std::vector<PeerId> all(32);
  for (PeerId p = 0; p < 32; ++p) all[p] = p;
  EXPECT_TRUE(zone_connected(links, all));
  for (PeerId p = 0; p < 32; ++p)
    for (PeerId q : links[p]) EXPECT_TRUE(std::binary_search(links[q].begin(), links[q].end(), p));
  const ZoneDirectory other(zones, 1, 10);
  bool differs = false;
  for (PeerId p = 0; p < 32; ++p) differs |= overlay_neighbours_of(p, other, 4) != links[p];
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace zonal
