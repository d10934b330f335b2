// Chord identifiers and messages: the documented hashes, ring arithmetic at m = 64 and small m,
// message sizes, and the attribution of messages to searches.
#include <gtest/gtest.h>

#include <set>
#include <type_traits>
#include <variant>

#include "zonal/chord_message.hpp"
#include "zonal/hash.hpp"
#include "zonal/message.hpp"

using namespace zonal;

namespace {

// zonal::Message with the Chord messages added, as phase 2 will declare it.
template <class... A, class... B>
std::variant<A..., B...> concat(std::variant<A...>, std::variant<B...>);
using CombinedMessage = decltype(concat(std::declval<Message>(), std::declval<ChordMessage>()));

}  // namespace

TEST(ChordId, AddressHashIsTopBitsOfMixedFnv) {
  // file_key("a") is the published FNV-1a 64 test vector 0xaf63dc4c8601ec8c.
  EXPECT_EQ(chord_id_of_address("a", 64), mix64(0xaf63dc4c8601ec8cull));
  EXPECT_EQ(chord_id_of_address("a", 64), 0x5f29c2aadd9b8527ull);
  EXPECT_EQ(chord_id_of_address("a", 8), 0x5full);
  EXPECT_EQ(chord_id_of_address("a", 1), 0u);
  // Frozen: changing them moves every simulated peer on the ring.
  EXPECT_EQ(chord_id_of_address("0", 16), 12279u);
  EXPECT_EQ(chord_id_of_address("1", 16), 35162u);
  EXPECT_EQ(chord_id_of_address("127.0.0.1:4000", 16), 24812u);
}

TEST(ChordId, RedrawsHashTheAddressWithTheDrawNumber) {
  // The documented rule (docs/protocol.md "Identifiers"): draw 0 is the address hash, draw k
  // the hash of "<address>#<k>"; ids change with every draw, at any m.
  for (unsigned bits : {8u, 12u, 64u}) {
    EXPECT_EQ(chord_id_draw("127.0.0.1:4000", bits, 0), chord_id_of_address("127.0.0.1:4000", bits));
    EXPECT_EQ(chord_id_draw("127.0.0.1:4000", bits, 1), chord_id_of_address("127.0.0.1:4000#1", bits));
    EXPECT_EQ(chord_id_draw("42", bits, 31), chord_id_of_address("42#31", bits));
  }
  std::set<ChordId> ids;
  for (unsigned k = 0; k < chord_id_draws_max; ++k) ids.insert(chord_id_draw("42", 64, k));
  EXPECT_EQ(ids.size(), chord_id_draws_max);
  EXPECT_EQ(chord_id_draws_max, 32u);
}

TEST(ChordId, FileKeysShareTheAddressHash) {
  for (const char* name : {"", "song.mp3", "report.pdf", "42"})
    for (unsigned bits : {1u, 7u, 32u, 63u, 64u})
      EXPECT_EQ(chord_key_of_file(file_key(name), bits), chord_id_of_address(name, bits)) << name << " " << bits;
}

TEST(ChordId, IdsFitTheirSpace) {
  for (unsigned bits = 1; bits <= 64; ++bits) {
    const ChordSpace space(bits);
    EXPECT_EQ(space.bits(), bits);
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(space.valid(chord_id_of_address(std::to_string(i), bits)));
  }
  EXPECT_EQ(ChordSpace(0).bits(), 1u);    // clamped
  EXPECT_EQ(ChordSpace(200).bits(), 64u);
  EXPECT_FALSE(ChordSpace(8).valid(256));
}

TEST(ChordId, IntervalsWrapAroundTheRing) {
  const ChordSpace s8(8);
  EXPECT_TRUE(s8.in_half_open(5, 250, 10));   // wraps past 0
  EXPECT_TRUE(s8.in_half_open(10, 250, 10));  // closed at b
  EXPECT_FALSE(s8.in_half_open(250, 250, 10));
  EXPECT_FALSE(s8.in_half_open(11, 250, 10));
  EXPECT_TRUE(s8.in_half_open(77, 3, 3));  // (a, a] is the whole ring
  EXPECT_TRUE(s8.in_half_open(3, 3, 3));
  EXPECT_TRUE(s8.in_open(0, 255, 1));
  EXPECT_FALSE(s8.in_open(1, 255, 1));
  EXPECT_FALSE(s8.in_open(3, 3, 3));  // (a, a) is the ring without a
  EXPECT_TRUE(s8.in_open(4, 3, 3));
  EXPECT_EQ(s8.distance(250, 4), 10u);
  EXPECT_EQ(s8.finger_start(250, 4), 2u);  // 250 + 8 mod 256

  const ChordSpace s64(64);
  const ChordId top = ~ChordId{0};
  EXPECT_TRUE(s64.in_half_open(0, top - 1, 1));
  EXPECT_EQ(s64.distance(top, 1), 2u);
  EXPECT_EQ(s64.finger_start(top, 64), (ChordId{1} << 63) - 1);
}

TEST(ChordMessage, EveryMessageFitsTheSimulatorsEvent) {
  // With the Chord messages added, zonal::Message must stay 32 bytes and trivially copyable:
  // the simulator's 64-byte events and its flooding throughput depend on it.
  static_assert(sizeof(CombinedMessage) == sizeof(Message));
  static_assert(sizeof(CombinedMessage) == 32);
  static_assert(std::is_trivially_copyable_v<CombinedMessage>);
  static_assert(std::variant_size_v<CombinedMessage> == std::variant_size_v<Message> + 14);
  EXPECT_EQ(sizeof(ChordFindSuccessorReply), 24u);
  EXPECT_EQ(sizeof(ChordForward), 24u);
  EXPECT_EQ(sizeof(ChordLookupResult), 24u);
  EXPECT_EQ(sizeof(ChordFetchReply), 24u);
  EXPECT_EQ(sizeof(ChordStore), 24u);
  EXPECT_EQ(sizeof(ChordStabilize), 20u);
  EXPECT_EQ(sizeof(ChordSuccessorEntry), 20u);
  EXPECT_EQ(sizeof(ChordPing), 4u);
}

TEST(ChordMessage, PackedIdsRoundTrip) {
  for (std::uint64_t v : {0ull, 1ull, 0xFFFFFFFFull, 0x100000000ull, ~0ull, 0x0123456789abcdefull}) {
    EXPECT_EQ(ChordPackedId::of(v).value(), v);
    EXPECT_EQ(ChordRef::make(v, 7).id(), v);
  }
  EXPECT_FALSE(ChordRef{}.valid());
}

TEST(ChordMessage, LookupTagNamesTheOriginOfEveryLookupMessage) {
  const PeerId origin = 5, a = 6, b = 7;
  const ChordLookupTag expected{origin, 99};
  EXPECT_EQ(chord_lookup_tag(origin, a, ChordFindSuccessor{1, 99, {}, no_peer}), expected);
  EXPECT_EQ(chord_lookup_tag(a, origin, ChordFindSuccessorReply{1, 99, {}, ChordStep::next}), expected);
  EXPECT_EQ(chord_lookup_tag(a, b, ChordForward{99, 3, {}, origin, 4, 2}), expected);
  EXPECT_EQ(chord_lookup_tag(b, a, ChordForwardAck{99, 3, origin, 2}), expected);
  EXPECT_EQ(chord_lookup_tag(b, origin, ChordLookupResult{99, 3, {}, 5, 2, ChordStep::done}), expected);
  EXPECT_EQ(chord_lookup_tag(origin, a, ChordFetch{1, 99, {}}), expected);
  EXPECT_EQ(chord_lookup_tag(a, origin, ChordFetchReply{1, 99, {}, 0}), expected);
  EXPECT_EQ(chord_lookup_tag(a, b, ChordStore{{}, 1, 99, origin, ChordStoreKind::replica}), expected);
  // Maintenance and lookup id 0 belong to no search.
  EXPECT_FALSE(chord_lookup_tag(origin, a, ChordFindSuccessor{1, 0, {}, no_peer}));
  EXPECT_FALSE(chord_lookup_tag(origin, a, ChordStabilize{1, 0, ChordRef::make(1, origin)}));
  EXPECT_FALSE(chord_lookup_tag(origin, a, ChordPing{1}));
  EXPECT_FALSE(chord_lookup_tag(origin, a, ChordStore{{}, 1, 0, no_peer, ChordStoreKind::transfer}));
}

TEST(ChordMessage, ListDigestSeesOrderMembersAndLength) {
  const ChordRef a = ChordRef::make(10, 1), b = ChordRef::make(20, 2), c = ChordRef::make(20, 3);
  const ChordRef ab[] = {a, b}, ba[] = {b, a}, ac[] = {a, c}, just_a[] = {a};
  EXPECT_EQ(chord_list_digest(ab), chord_list_digest(std::span<const ChordRef>(ab)));
  EXPECT_NE(chord_list_digest(ab), chord_list_digest(ba));
  EXPECT_NE(chord_list_digest(ab), chord_list_digest(ac));
  EXPECT_NE(chord_list_digest(ab), chord_list_digest(just_a));
  EXPECT_NE(chord_list_digest({}), chord_list_digest(just_a));
}
