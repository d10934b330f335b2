// Tests for sim/model/topology.hpp: generators, CSR invariants, SNAP edge lists, zone links.
#include "model/topology.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path gnutella(const char* name) { return fs::path(ZONAL_SOURCE_DIR) / "scenarios" / "topologies" / name; }

/// Symmetric, sorted, no self-loops, no duplicates, offsets consistent.
void expect_csr_invariants(const Topology& t) {
  ASSERT_FALSE(t.offsets.empty());
  ASSERT_EQ(t.offsets.front(), 0u);
  ASSERT_EQ(t.offsets.back(), t.targets.size());
  ASSERT_EQ(t.targets.size() % 2, 0u);
  for (PeerId p = 0; p < t.peer_count(); ++p) {
    ASSERT_LE(t.offsets[p], t.offsets[p + 1]);
    const auto list = t.neighbours(p);
    for (std::size_t i = 0; i < list.size(); ++i) {
      ASSERT_LT(list[i], t.peer_count());
      ASSERT_NE(list[i], p) << "self-loop at " << p;
      if (i > 0) {
        ASSERT_LT(list[i - 1], list[i]) << "unsorted or duplicate at " << p;
      }
      const auto back = t.neighbours(list[i]);
      ASSERT_TRUE(std::binary_search(back.begin(), back.end(), p)) << p << "->" << list[i] << " not symmetric";
    }
  }
}

double mean_degree(const Topology& t) { return 2.0 * t.edge_count() / t.peer_count(); }

std::size_t max_degree(const Topology& t) {
  std::size_t best = 0;
  for (PeerId p = 0; p < t.peer_count(); ++p) best = std::max(best, t.neighbours(p).size());
  return best;
}

std::size_t min_degree(const Topology& t) {
  std::size_t best = t.peer_count();
  for (PeerId p = 0; p < t.peer_count(); ++p) best = std::min(best, t.neighbours(p).size());
  return best;
}

bool same_graph(const Topology& a, const Topology& b) { return a.offsets == b.offsets && a.targets == b.targets; }

// ---- topology_from_edges --------------------------------------------------------------

TEST(TopologyFromEdges, DropsSelfLoopsAndDuplicatesAndSorts) {
  const Topology t = topology_from_edges(5, {{3, 1}, {1, 3}, {0, 0}, {4, 0}, {1, 3}, {2, 1}, {0, 4}});
  expect_csr_invariants(t);
  EXPECT_EQ(t.peer_count(), 5u);
  EXPECT_EQ(t.edge_count(), 3u);
  EXPECT_THAT(std::vector<PeerId>(t.neighbours(1).begin(), t.neighbours(1).end()), ::testing::ElementsAre(2, 3));
  EXPECT_TRUE(t.neighbours(0).size() == 1 && t.neighbours(0)[0] == 4);
  EXPECT_EQ(t.label(3), 3u);
}

TEST(TopologyFromEdges, IsolatedPeersAndEmptyInput) {
  const Topology t = topology_from_edges(4, {});
  expect_csr_invariants(t);
  EXPECT_EQ(t.peer_count(), 4u);
  EXPECT_EQ(t.edge_count(), 0u);
}

TEST(TopologyFromEdges, RejectsOutOfRangePeer) { EXPECT_THROW(topology_from_edges(3, {{0, 3}}), TopologyError); }

// ---- generators -------------------------------------------------------------------------

TEST(RandomRegular, AllDegreesEqualAndInvariantsHold) {
  for (const auto& [n, d] :
       {std::pair{1000u, 4u}, {999u, 6u}, {10u, 9u}, {10u, 6u}, {5000u, 8u}, {7u, 2u}, {100u, 60u}}) {
    const Topology t = make_random_regular(n, d, 42);
    expect_csr_invariants(t);
    std::size_t short_peers = 0;
    for (PeerId p = 0; p < n; ++p) {
      ASSERT_LE(t.neighbours(p).size(), d);
      short_peers += t.neighbours(p).size() != d;
    }
    EXPECT_LE(short_peers, n / 100 + 2) << "n=" << n << " d=" << d;  // dropped stubs are rare
    EXPECT_GE(t.edge_count(), n * d / 2 - 2);
  }
}

TEST(RandomRegular, ExactlyRegularForTypicalSizes) {
  const Topology t = make_random_regular(20000, 8, 7);
  EXPECT_EQ(min_degree(t), 8u);
  EXPECT_EQ(max_degree(t), 8u);
}

TEST(RandomRegular, RejectsBadParameters) {
  EXPECT_THROW(make_random_regular(5, 3, 1), TopologyError);  // odd stub count
  EXPECT_THROW(make_random_regular(4, 4, 1), TopologyError);  // degree >= peers
  EXPECT_THROW(make_random_regular(0, 0, 1), TopologyError);
}

TEST(ErdosRenyi, MeanDegreeWithinTolerance) {
  const Topology t = make_erdos_renyi(20000, 8.0, 3);
  expect_csr_invariants(t);
  EXPECT_EQ(t.peer_count(), 20000u);
  // E ~ Binomial(n(n-1)/2, p): sd of the mean degree is about sqrt(8 / n) = 0.02.
  EXPECT_NEAR(mean_degree(t), 8.0, 0.12);
}

TEST(ErdosRenyi, EdgeCases) {
  EXPECT_EQ(make_erdos_renyi(100, 0.0, 1).edge_count(), 0u);
  EXPECT_EQ(make_erdos_renyi(1, 0.0, 1).peer_count(), 1u);
  EXPECT_EQ(make_erdos_renyi(6, 5.0, 1).edge_count(), 15u);  // p = 1: complete
  EXPECT_THROW(make_erdos_renyi(6, 6.0, 1), TopologyError);
  EXPECT_THROW(make_erdos_renyi(6, -1.0, 1), TopologyError);
}

TEST(BarabasiAlbert, MinDegreeIsAttachAndHubsEmerge) {
  const Topology t = make_barabasi_albert(20000, 3, 11);
  expect_csr_invariants(t);
  EXPECT_EQ(min_degree(t), 3u);
  EXPECT_EQ(t.edge_count(), 3u * 20000 - 6);  // clique of 4 (6 links) then 3 per later peer
  EXPECT_GT(max_degree(t), 10 * mean_degree(t));
}

TEST(BarabasiAlbert, RejectsBadParameters) {
  EXPECT_THROW(make_barabasi_albert(10, 0, 1), TopologyError);
  EXPECT_THROW(make_barabasi_albert(3, 3, 1), TopologyError);
}

TEST(WattsStrogatz, LatticeHasExactDegree) {
  const Topology t = make_watts_strogatz(1000, 6, 0.0, 5);
  expect_csr_invariants(t);
  EXPECT_EQ(min_degree(t), 6u);
  EXPECT_EQ(max_degree(t), 6u);
  const auto n0 = t.neighbours(0);
  EXPECT_EQ(std::vector<PeerId>(n0.begin(), n0.end()), (std::vector<PeerId>{1, 2, 3, 997, 998, 999}));
}

TEST(WattsStrogatz, RewiredMeanDegreeIsK) {
  const Topology t = make_watts_strogatz(20000, 8, 0.2, 5);
  expect_csr_invariants(t);
  EXPECT_NEAR(mean_degree(t), 8.0, 0.01);        // only rare duplicate rewires are dropped
  EXPECT_GT(max_degree(t) - min_degree(t), 2u);  // rewiring really happened
}

TEST(WattsStrogatz, RejectsBadParameters) {
  EXPECT_THROW(make_watts_strogatz(10, 3, 0.1, 1), TopologyError);
  EXPECT_THROW(make_watts_strogatz(10, 10, 0.1, 1), TopologyError);
  EXPECT_THROW(make_watts_strogatz(10, 4, 1.5, 1), TopologyError);
}

TEST(KOut, EveryPeerKeepsItsKDrawsAndMeanDegreeIsJustUnderTwoK) {
  const Topology t = make_k_out(20000, 4, 9);
  expect_csr_invariants(t);
  EXPECT_GE(min_degree(t), 4u);  // a peer's own k draws are distinct and never itself
  // 80,000 draws; a link drawn from both ends (about k^2 / (peers - 1) * peers / 2 = 8 of them) counts once.
  EXPECT_GT(t.edge_count(), 79'950u);
  EXPECT_LE(t.edge_count(), 80'000u);
  EXPECT_GT(max_degree(t), 10u);  // in-degrees are Poisson around k
}

TEST(KOut, SmallestAndLargestK) {
  const Topology full = make_k_out(6, 5, 3);  // every peer draws all others: the complete graph
  expect_csr_invariants(full);
  EXPECT_EQ(full.edge_count(), 15u);
  const Topology one = make_k_out(2, 1, 3);
  EXPECT_EQ(one.edge_count(), 1u);
  EXPECT_THROW(make_k_out(5, 5, 1), TopologyError);
  EXPECT_THROW(make_k_out(0, 1, 1), TopologyError);
}

TEST(Generators, SameSeedSameGraphDifferentSeedDifferentGraph) {
  EXPECT_TRUE(same_graph(make_random_regular(2000, 6, 1), make_random_regular(2000, 6, 1)));
  EXPECT_FALSE(same_graph(make_random_regular(2000, 6, 1), make_random_regular(2000, 6, 2)));
  EXPECT_TRUE(same_graph(make_erdos_renyi(2000, 6, 1), make_erdos_renyi(2000, 6, 1)));
  EXPECT_FALSE(same_graph(make_erdos_renyi(2000, 6, 1), make_erdos_renyi(2000, 6, 2)));
  EXPECT_TRUE(same_graph(make_barabasi_albert(2000, 3, 1), make_barabasi_albert(2000, 3, 1)));
  EXPECT_FALSE(same_graph(make_barabasi_albert(2000, 3, 1), make_barabasi_albert(2000, 3, 2)));
  EXPECT_TRUE(same_graph(make_watts_strogatz(2000, 6, 0.1, 1), make_watts_strogatz(2000, 6, 0.1, 1)));
  EXPECT_FALSE(same_graph(make_watts_strogatz(2000, 6, 0.1, 1), make_watts_strogatz(2000, 6, 0.1, 2)));
  EXPECT_TRUE(same_graph(make_k_out(2000, 4, 1), make_k_out(2000, 4, 1)));
  EXPECT_FALSE(same_graph(make_k_out(2000, 4, 1), make_k_out(2000, 4, 2)));
}

// ---- SNAP edge lists ----------------------------------------------------------------------

class EdgeListFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = fs::temp_directory_path() / (std::string("zonal_topology_test_") + info->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  fs::path write(const std::string& name, const std::string& content) const {
    const fs::path path = m_dir / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  /// The TopologyError message from loading `content`, or "" when it loads.
  std::string load_error(const std::string& content) const {
    const fs::path path = write("graph.txt", content);
    try {
      load_edge_list(path);
    } catch (const TopologyError& e) {
      return e.what();
    }
    return "";
  }

  fs::path m_dir;
};

TEST_F(EdgeListFile, Gnutella08LoadsWithHeaderCounts) {
  const Topology t = load_edge_list(gnutella("p2p-Gnutella08.txt"));
  expect_csr_invariants(t);
  EXPECT_EQ(t.peer_count(), 6301u);
  EXPECT_EQ(t.edge_count(), 20777u);  // no reversed or repeated pairs in this crawl
  EXPECT_EQ(t.labels.size(), 6301u);
  EXPECT_EQ(t.label(0), 0u);
  EXPECT_EQ(t.label(1), 1u);
}

TEST_F(EdgeListFile, OtherGnutellaCrawlsLoad) {
  const Topology t04 = load_edge_list(gnutella("p2p-Gnutella04.txt"));
  expect_csr_invariants(t04);
  EXPECT_EQ(t04.peer_count(), 10875u);  // header: 10876 nodes, 10875 appear in a link
  EXPECT_EQ(t04.edge_count(), 39994u);
  const Topology t31 = load_edge_list(gnutella("p2p-Gnutella31.txt"));
  EXPECT_EQ(t31.peer_count(), 62586u);
  EXPECT_EQ(t31.edge_count(), 147892u);
}

TEST_F(EdgeListFile, LabelsKeepFileIdsInFirstAppearanceOrder) {
  const fs::path path = write("g.txt", "# header\r\n\r\n70\t5\r\n5   900\n  \t\n900 70\n5\t70\n42 42\n");
  const Topology t = load_edge_list(path);
  expect_csr_invariants(t);
  EXPECT_EQ(t.labels, (std::vector<std::uint64_t>{70, 5, 900, 42}));
  EXPECT_EQ(t.edge_count(), 3u);  // "5 70" repeats "70 5"; "42 42" is a self-loop
  EXPECT_EQ(t.label(2), 900u);
  EXPECT_EQ(t.neighbours(3).size(), 0u);
}

TEST_F(EdgeListFile, NoTrailingNewlineIsFine) { EXPECT_EQ(load_error("1 2\n2 3"), ""); }

TEST_F(EdgeListFile, MalformedLinesNameFileAndLine) {
  const std::string where = (m_dir / "graph.txt").string();
  EXPECT_THAT(load_error("# c\n1 2\n3\n"), HasSubstr(where + ":3: expected two node ids"));
  EXPECT_THAT(load_error("1 2 3\n"), HasSubstr(where + ":1: expected two node ids"));
  EXPECT_THAT(load_error("1 2\nx y\n"), HasSubstr(where + ":2: expected two node ids"));
  EXPECT_THAT(load_error("1 -2\n"), HasSubstr(":1: expected two node ids"));
  EXPECT_THAT(load_error("1,2\n"), HasSubstr(":1: expected two node ids"));
  EXPECT_THAT(load_error("1 2\n\n99999999999999999999999 1\n"), HasSubstr(":3: expected two node ids"));
}

TEST_F(EdgeListFile, EmptyGraphIsAnError) {
  EXPECT_THAT(load_error("# only comments\n\n"), HasSubstr("no links"));
  EXPECT_THAT(load_error(""), HasSubstr("no links"));
  EXPECT_THAT(load_error("7 7\n"), HasSubstr("graph.txt"));
}

TEST_F(EdgeListFile, MissingFileIsNamed) {
  const fs::path missing = m_dir / "does-not-exist.txt";
  try {
    load_edge_list(missing);
    FAIL() << "expected TopologyError";
  } catch (const TopologyError& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing.string()));
  }
  EXPECT_THROW(load_edge_list(m_dir), TopologyError);  // a directory
}

// ---- zone links ---------------------------------------------------------------------------


}  // namespace
}  // namespace zonal::sim
