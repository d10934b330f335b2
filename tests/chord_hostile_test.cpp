// Bad input never crashes and changes nothing: unknown or stale request ids, replies from
// strangers or the wrong peer, out-of-range ids, malformed fields, and random messages.
#include <gtest/gtest.h>

#include <numeric>

#include "chord_test_network.hpp"

using namespace zonal;
using zonal::test::ChordTestNetwork;
using zonal::test::all_peers;
using zonal::test::describe_all;

namespace {

// Everything observable about a node.
struct Fingerprint {
  ChordState state;
  ChordRef predecessor;
  std::vector<ChordRef> successors;
  std::vector<ChordRef> fingers;
  std::vector<ChordRecord> records;
  std::optional<TimeUs> timeout;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint(const ChordNode& n) {
  const auto& t = n.table();
  return Fingerprint{n.state(),
                     t.predecessor(),
                     {t.successors().begin(), t.successors().end()},
                     {t.fingers().begin(), t.fingers().end()},
                     {n.records().all().begin(), n.records().all().end()},
                     n.poll_timeout()};
}

// Deliver `msg` from `from`; it must be dropped and leave no trace.
void expect_ignored(ChordNode& n, PeerId from, const ChordMessage& msg, const char* what) {
  const Fingerprint before = fingerprint(n);
  EXPECT_EQ(n.handle_message(1'000'000, from, msg), Arrival::dropped) << what;
  EXPECT_EQ(fingerprint(n), before) << what;
  EXPECT_FALSE(n.poll_transmit()) << what;
  EXPECT_FALSE(n.poll_event()) << what;
}

ChordConfig small_ids() {
  ChordConfig c = test::quiet_config(3);
  c.id_bits = 16;
  return c;
}

// Node 0 of a 40-node stable ring with 16-bit ids, and a key half the ring away from it (so
// that the first step of its lookup goes to another node).
class ChordHostileLookup : public ::testing::Test {
 protected:
  std::unique_ptr<ChordTestNetwork> network = test::stable_network(40, small_ids());
  ChordTestNetwork& net = *network;
  ChordNode& n = net.node(0);
  const ChordId key = (n.self().id() + (ChordId{1} << 15)) & 0xFFFF;
};

}  // namespace

TEST(ChordHostile, UnknownIdsStrangersAndMalformedFieldsAreDropped) {
  ChordTestNetwork net(small_ids());
  net.add_nodes(20);
  net.install_stable(all_peers(20));
  ChordNode& n = net.node(5);
  const PeerId succ = n.successor().peer, stranger = 999;
  const ChordRef fake = ChordRef::make(n.self().id() + 1, stranger);
  const ChordRef out_of_range = ChordRef::make(ChordId{1} << 20, stranger);
  const ChordPackedId big_key = ChordPackedId::of(ChordId{1} << 40);
  expect_ignored(n, succ, ChordFindSuccessorReply{12345, 1, fake, ChordStep::done}, "unknown rpc");
  expect_ignored(n, succ, ChordStabilizeReply{1, fake, 0, false}, "unsolicited stabilize reply");
  expect_ignored(n, succ, ChordSuccessorEntry{1, fake, 0, 1}, "entry without transfer");
  expect_ignored(n, succ, ChordPong{7}, "unknown pong");
  expect_ignored(n, succ, ChordFetchReply{7, 1, {stranger, no_peer, no_peer}, 1}, "unknown fetch reply");
  expect_ignored(n, succ, ChordForwardAck{1, 2, 3, 1}, "unknown ack");
  expect_ignored(n, succ, ChordLookupResult{1, 2, fake, 3, 1, ChordStep::done}, "unknown result");
  expect_ignored(n, stranger, ChordLeaveNotice{fake, ChordLeaveKind::to_successor}, "leave from a stranger");
  expect_ignored(n, stranger, ChordStabilize{1, 0, ChordRef::make(77, 1234)}, "sender is not the source");
  expect_ignored(n, stranger, ChordStabilize{1, 0, out_of_range}, "sender id out of range");
  expect_ignored(n, stranger, ChordStabilize{1, 0, ChordRef::make(n.self().id(), stranger)}, "sender claims our id");
  expect_ignored(n, stranger, ChordFindSuccessor{1, 1, big_key, no_peer}, "key out of range");
  expect_ignored(n, stranger, ChordForward{1, 2, big_key, stranger, 1, 1}, "forward key out of range");
  expect_ignored(n, stranger, ChordForward{1, 2, {}, no_peer, 1, 1}, "forward without origin");
  expect_ignored(n, stranger, ChordForward{1, 2, {}, stranger, 1, 0}, "forward with zero hops");
  expect_ignored(n, stranger, ChordStore{{}, no_peer, 0, no_peer, ChordStoreKind::primary}, "store without holder");
  expect_ignored(n, n.self().peer, ChordPing{1}, "message from ourselves");
  // A node that is not on a ring answers nothing.
  net.add_nodes(1);
  expect_ignored(net.node(20), 3, ChordFindSuccessor{1, 1, {}, no_peer}, "idle node");
  expect_ignored(net.node(20), 3, ChordStabilize{1, 0, net.ref(3)}, "idle node stabilize");
}

TEST_F(ChordHostileLookup, RepliesMustComeFromTheAskedPeerWithTheRightIds) {
  n.lookup(0, key, ChordLookupMode::iterative, 77);
  const auto request = n.poll_transmit();
  ASSERT_TRUE(request);
  ASSERT_FALSE(n.poll_transmit());
  const auto& find = std::get<ChordFindSuccessor>(request->msg);
  const PeerId asked = request->to;
  const PeerId other = asked == 1 ? 2 : 1;
  const ChordRef answer = chord_ring_successor(net.live_ring(), key);
  const ChordFindSuccessorReply good{find.rpc, 77, answer, ChordStep::done};
  expect_ignored(n, other, good, "right rpc, wrong peer");
  expect_ignored(n, asked, ChordFindSuccessorReply{find.rpc, 78, answer, ChordStep::done}, "wrong lookup id");
  expect_ignored(n, asked, ChordFindSuccessorReply{find.rpc + 1, 77, answer, ChordStep::done}, "wrong rpc");
  EXPECT_EQ(n.handle_message(10'000, asked, good), Arrival::accepted);
  const auto ev = n.poll_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(std::get<ChordLookupDone>(*ev).successor, answer);
  expect_ignored(n, asked, good, "duplicate reply");
  // A reply arriving after its request timed out and was given up is stale.
  n.lookup(20'000, key, ChordLookupMode::iterative, 79);
  const auto again = n.poll_transmit();
  ASSERT_TRUE(again);
  const ChordFindSuccessorReply late{std::get<ChordFindSuccessor>(again->msg).rpc, 79, answer, ChordStep::done};
  for (TimeUs t = 20'000; t < 5'000'000; t += 100'000) {
    n.handle_timeout(t);
    while (n.poll_transmit()) {}
  }
  while (n.poll_event()) {}
  expect_ignored(n, again->to, late, "late reply");
}

TEST_F(ChordHostileLookup, AnswersThatMakeNoProgressEndTheLookup) {
  n.lookup(0, key, ChordLookupMode::iterative, 5);
  // Every request is answered with "ask this node next", naming a node behind the asked one.
  int steps = 0;
  std::optional<ChordEvent> ev;
  for (TimeUs now = 0; steps < 1000 && !ev; ++steps, now += 1000) {
    const auto t = n.poll_transmit();
    ASSERT_TRUE(t) << "the lookup stalled without finishing";
    const auto& req = std::get<ChordFindSuccessor>(t->msg);
    const ChordRef behind = ChordRef::make((net.ref(t->to).id() - 1) & 0xFFFF, 7);
    n.handle_message(now, t->to, ChordFindSuccessorReply{req.rpc, req.lookup, behind, ChordStep::next});
    ev = n.poll_event();
  }
  ASSERT_TRUE(ev);
  EXPECT_EQ(std::get<ChordLookupDone>(*ev).status, ChordStatus::no_route);
  EXPECT_LT(steps, 100);
}

TEST(ChordHostile, RandomMessagesNeverCrashAndDroppedOnesChangeNothing) {
  ChordTestNetwork net(test::fast_config(3));
  net.add_nodes(30);
  net.install_stable(all_peers(30));
  net.run_for(3'000'000);  // requests in flight, so that some random replies match
  Rng rng(99);
  const ChordSpace space(64);
  auto ref = [&]() {
    const PeerId p = rng.below(40);  // ten of them are strangers
    return rng.below(4) == 0 ? ChordRef::make(rng.next(), p) : (p < 30 ? net.ref(p) : ChordRef::make(rng.next(), p));
  };
  auto small = [&]() { return rng.below(64); };
  std::size_t accepted = 0, dropped = 0;
  for (int i = 0; i < 20000; ++i) {
    const PeerId to = rng.below(30);
    const PeerId from = rng.below(40);
    const auto key = ChordPackedId::of(rng.next());
    const auto u8 = static_cast<std::uint8_t>(rng.below(256));
    ChordMessage msg;
    switch (rng.below(14)) {
      case 0: msg = ChordFindSuccessor{small(), small(), key, rng.below(40)}; break;
      case 1: msg = ChordFindSuccessorReply{small(), small(), ref(), static_cast<ChordStep>(u8 % 4)}; break;
      case 2: msg = ChordForward{small(), small(), key, rng.below(40), static_cast<std::uint16_t>(small()), u8}; break;
      case 3: msg = ChordForwardAck{small(), small(), rng.below(40), u8}; break;
      case 4: msg = ChordLookupResult{small(), small(), ref(), 1, u8, static_cast<ChordStep>(u8 % 4)}; break;
      case 5: msg = ChordFetch{small(), small(), key}; break;
      case 6: msg = ChordFetchReply{small(), small(), {rng.below(40), no_peer, no_peer}, static_cast<std::uint16_t>(u8)}; break;
      case 7: msg = ChordStore{key, rng.below(40), small(), rng.below(40), static_cast<ChordStoreKind>(u8 % 4)}; break;
      case 8: msg = ChordStabilize{small(), static_cast<std::uint32_t>(rng.next()), ref()}; break;
      case 9: msg = ChordStabilizeReply{small(), ref(), u8, rng.below(2) == 0}; break;
      case 10: msg = ChordSuccessorEntry{small(), ref(), static_cast<std::uint8_t>(u8 % 40), u8}; break;
      case 11: msg = ChordPing{small()}; break;
      case 12: msg = ChordPong{small()}; break;
      default: msg = ChordLeaveNotice{ref(), static_cast<ChordLeaveKind>(u8 % 3)}; break;
    }
    ChordNode& n = net.node(to);
    const Fingerprint before = fingerprint(n);
    if (n.handle_message(net.now(), from, msg) == Arrival::dropped) {
      ++dropped;
      ASSERT_EQ(fingerprint(n), before) << "message kind " << msg.index();
      ASSERT_FALSE(n.poll_transmit());
      ASSERT_FALSE(n.poll_event());
    } else {
      ++accepted;
      while (n.poll_transmit()) {}  // answers to random peers go nowhere
      while (n.poll_event()) {}
    }
    if (i % 1000 == 0) net.run_for(200'000);
  }
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(dropped, 1000u);
  net.run_for(30'000'000);  // maintenance keeps running on whatever state the noise left
  for (PeerId p = 0; p < 30; ++p) EXPECT_EQ(net.node(p).state(), ChordState::member);
}
