// Lookups on stable rings (installed exactly, no maintenance): iterative and recursive lookups
// return the true successor, the path length matches the paper, every message is attributed to
// its search, and find/store index and fetch records.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <numeric>

#include "chord_test_network.hpp"
#include "zonal/hash.hpp"

using namespace zonal;
using zonal::test::ChordTestNetwork;
using zonal::test::all_peers;
using zonal::test::describe_all;

TEST(ChordStableRing, InstalledStateIsExact) {
  const ChordConfig config = test::quiet_config(6);
  auto net = test::stable_network(300, config);
  EXPECT_TRUE(net->violations().empty());
  const auto ring = net->live_ring();
  ASSERT_EQ(ring.size(), 300u);
  for (PeerId p = 0; p < 300; ++p) {
    const auto& t = net->node(p).table();
    const auto exact = chord_exact_fingers(ring, chord_ring_index(ring, net->ref(p)), t.space());
    EXPECT_EQ(std::vector<ChordRef>(t.fingers().begin(), t.fingers().end()), exact) << p;
    EXPECT_EQ(t.successors().size(), 6u);
  }
}

TEST(ChordStableRing, IterativeAndRecursiveLookupsFindTheTrueSuccessor) {
  for (const auto mode : {ChordLookupMode::iterative, ChordLookupMode::recursive}) {
    auto net = test::stable_network(500, test::quiet_config());
    const auto ring = net->live_ring();
    Rng rng(11);
    for (ChordLookupId id = 1; id <= 300; ++id) {
      const PeerId origin = rng.below(500);
      const ChordId key = rng.next();
      net->command(origin, [&](ChordNode& n, TimeUs now) { n.lookup(now, key, mode, id); });
    }
    net->run_for(10'000'000);
    const auto done = net->lookups_done();
    ASSERT_EQ(done.size(), 300u);
    for (const auto& d : done) {
      ASSERT_EQ(d.status, ChordStatus::ok);
      EXPECT_EQ(d.successor, chord_ring_successor(ring, d.key));
      EXPECT_EQ(d.mode, mode);
    }
  }
}

TEST(ChordStableRing, EveryLookupMessageIsAttributedToItsSearch) {
  for (const auto mode : {ChordLookupMode::iterative, ChordLookupMode::recursive}) {
    auto net = test::stable_network(256, test::quiet_config());
    Rng rng(5);
    std::vector<PeerId> origin(101);
    for (ChordLookupId id = 1; id <= 100; ++id) {
      origin[id] = rng.below(256);
      const ChordId key = rng.next();
      net->command(origin[id], [&](ChordNode& n, TimeUs now) { n.lookup(now, key, mode, id); });
    }
    net->run_for(10'000'000);
    ASSERT_EQ(net->lookups_done().size(), 100u);  // every lookup ended (and is checked below)
    std::uint64_t tagged = 0;
    for (const auto& d : net->lookups_done()) {
      const std::uint64_t counted = net->tagged_messages(origin[d.lookup_id], d.lookup_id);
      EXPECT_EQ(d.messages, counted) << "lookup " << d.lookup_id;
      // Iterative: a request and a reply per hop. Recursive: forward + ack per hop, one result.
      const std::uint32_t expected = mode == ChordLookupMode::iterative ? 2u * d.hops : (d.hops == 0 ? 0u : 2u * d.hops + 1);
      EXPECT_EQ(d.messages, expected) << "lookup " << d.lookup_id;
      tagged += counted;
    }
    EXPECT_EQ(tagged, net->sent());  // nothing else was sent: no maintenance is configured
  }
}

TEST(ChordStableRing, MeanPathLengthIsHalfLog2N) {
  const std::size_t n = 1024;
  auto net = test::stable_network(n, test::quiet_config());
  Rng rng(2024);
  const ChordLookupId lookups = 4000;
  for (ChordLookupId id = 1; id <= lookups; ++id) {
    const PeerId origin = rng.below(static_cast<std::uint32_t>(n));
    const ChordId key = rng.next();
    net->command(origin, [&](ChordNode& node, TimeUs now) { node.lookup(now, key, ChordLookupMode::iterative, id); });
  }
  net->run_for(60'000'000);
  const auto done = net->lookups_done();
  ASSERT_EQ(done.size(), lookups);
  double sum = 0;
  std::uint16_t longest = 0;
  for (const auto& d : done) sum += d.hops, longest = std::max(longest, d.hops);
  const double mean = sum / static_cast<double>(done.size());
  // The paper (Fig. 10): mean path length about 1/2 log2 N = 5 for N = 1,024.
  RecordProperty("mean_hops", std::to_string(mean));
  EXPECT_NEAR(mean, 0.5 * std::log2(static_cast<double>(n)), 0.6) << "mean " << mean;
  EXPECT_LE(longest, 2 * 10);  // O(log N) with high probability
}

TEST(ChordStableRing, StoreThenFindFetchesTheHolders) {
  for (const auto mode : {ChordLookupMode::iterative, ChordLookupMode::recursive}) {
    ChordConfig config = test::quiet_config();
    config.default_mode = mode;
    auto net = test::stable_network(200, config);
    const auto ring = net->live_ring();
    const FileKey song = file_key("song.mp3");
    for (PeerId holder : {17u, 3u, 150u, 99u})
      net->command(holder, [&](ChordNode& n, TimeUs now) { n.store(now, song, holder, 1000 + holder); });
    net->run_for(5'000'000);
    const ChordRef home = chord_ring_successor(ring, chord_key_of_file(song, config.id_bits));
    EXPECT_EQ(net->node(home.peer).records().size(), 4u);  // no replication: only the key's successor
    net->clear_events();
    net->command(42, [&](ChordNode& n, TimeUs now) { n.find(now, song, 7); });
    net->command(43, [&](ChordNode& n, TimeUs now) { n.find(now, file_key("nobody-has-it"), 8); });
    net->run_for(5'000'000);
    const auto done = net->lookups_done();
    ASSERT_EQ(done.size(), 2u);
    const auto& hit = done[0].lookup_id == 7 ? done[0] : done[1];
    const auto& miss = done[0].lookup_id == 7 ? done[1] : done[0];
    EXPECT_EQ(hit.op, ChordOp::find);
    EXPECT_EQ(hit.status, ChordStatus::ok);
    EXPECT_EQ(hit.successor, home);
    EXPECT_EQ(hit.holders, 4u);
    EXPECT_EQ(hit.holder, (std::array<PeerId, 3>{3, 17, 99}));  // lowest ids first
    EXPECT_EQ(hit.messages, net->tagged_messages(42, 7));
    EXPECT_EQ(miss.status, ChordStatus::ok);
    EXPECT_EQ(miss.holders, 0u);
    EXPECT_EQ(miss.holder[0], no_peer);
  }
}

TEST(ChordStableRing, OwnKeysAndSingleNodeRings) {
  auto net = test::stable_network(1, test::quiet_config());
  net->command(0, [&](ChordNode& n, TimeUs now) { n.lookup(now, 12345, ChordLookupMode::iterative, 1); });
  net->command(0, [&](ChordNode& n, TimeUs now) { n.store(now, 77, 0, 2); });
  net->command(0, [&](ChordNode& n, TimeUs now) { n.find(now, 77, 3); });
  const auto done = net->lookups_done();
  ASSERT_EQ(done.size(), 3u);
  for (const auto& d : done) {
    EXPECT_EQ(d.status, ChordStatus::ok);
    EXPECT_EQ(d.successor, net->ref(0));
    EXPECT_EQ(d.hops, 0u);
    EXPECT_EQ(d.messages, 0u);
  }
  EXPECT_EQ(done[2].holders, 1u);
  EXPECT_EQ(net->sent(), 0u);
}

TEST(ChordStableRing, LookupBeforeJoiningFailsAsNotMember) {
  ChordTestNetwork net(test::quiet_config());
  net.add_nodes(1);
  net.command(0, [&](ChordNode& n, TimeUs now) { n.lookup(now, 1, ChordLookupMode::iterative, 5); });
  const auto done = net.lookups_done();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status, ChordStatus::not_member);
  EXPECT_EQ(done[0].lookup_id, 5u);
}
