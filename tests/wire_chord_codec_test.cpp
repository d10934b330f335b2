// Wire codec for Chord: every one of the 14 Chord messages survives encode -> bytes -> decode
// unchanged, and every kind of malformed input (ids beyond 2^m, the no_peer sentinel, missing
// required fields, unknown enum values, values too wide for the core, oversize, garbage) is
// refused with an error naming the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "zonal.pb.h"
#include "zonal/chord_id.hpp"
#include "zonal/wire/chord_codec.hpp"
#include "zonal/wire/codec.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using zonal::ChordMessage;
using zonal::ChordPackedId;
using zonal::ChordRef;
namespace wire = zonal::wire;

constexpr unsigned bits = 16;  // a small ring so that out-of-range ids exist
constexpr std::uint64_t big_id = std::uint64_t{1} << 32;

ChordRef ref(std::uint64_t id, zonal::PeerId peer) { return ChordRef::make(id, peer); }

/// One sample of every message, with non-default values in every field.
std::vector<ChordMessage> samples() {
  return {
      zonal::ChordFindSuccessor{7, 9, ChordPackedId::of(0xBEEF), zonal::no_peer},
      zonal::ChordFindSuccessor{8, 0, ChordPackedId::of(0xFFFF), 12},
      zonal::ChordFindSuccessorReply{7, 9, ref(0x1234, 5), zonal::ChordStep::next},
      zonal::ChordFindSuccessorReply{7, 9, ref(0x4321, 6), zonal::ChordStep::done},
      zonal::ChordFindSuccessorReply{7, 9, ChordRef{}, zonal::ChordStep::none},
      zonal::ChordForward{3, 77, ChordPackedId::of(0xABCD), 41, 65535, 255},
      zonal::ChordForwardAck{3, 77, 41, 12},
      zonal::ChordLookupResult{3, 77, ref(0x0FFF, 8), 19, 6, zonal::ChordStep::done},
      zonal::ChordLookupResult{3, 78, ChordRef{}, 4, 2, zonal::ChordStep::none},
      zonal::ChordFetch{11, 3, ChordPackedId::of(0xFEDCBA9876543210ull)},
      zonal::ChordFetchReply{11, 3, {4, 9, zonal::no_peer}, 2},
      zonal::ChordFetchReply{11, 3, {4, 9, 12}, 65535},
      zonal::ChordFetchReply{11, 3, {zonal::no_peer, zonal::no_peer, zonal::no_peer}, 0},
      zonal::ChordStore{ChordPackedId::of(0x0123456789ABCDEFull), 4, 3, 17, zonal::ChordStoreKind::primary},
      zonal::ChordStore{ChordPackedId::of(1), 4, 0, 17, zonal::ChordStoreKind::replica},
      zonal::ChordStore{ChordPackedId::of(2), 4, 0, zonal::no_peer, zonal::ChordStoreKind::transfer},
      zonal::ChordStabilize{21, 0xDEADBEEF, ref(0x0042, 3)},
      zonal::ChordStabilizeReply{21, ref(0x0041, 2), 7, false},
      zonal::ChordStabilizeReply{21, ChordRef{}, 0, true},
      zonal::ChordSuccessorEntry{21, ref(0x0050, 9), 2, 7},
      zonal::ChordPing{33},
      zonal::ChordPong{33},
      zonal::ChordLeaveNotice{ref(0x0060, 10), zonal::ChordLeaveKind::to_successor},
      zonal::ChordLeaveNotice{ChordRef{}, zonal::ChordLeaveKind::to_predecessor},
  };
}

std::string error_of(const wire::ChordEnvelope& env, unsigned id_bits = bits) {
  const auto result = wire::decode_chord_bytes(env.SerializeAsString(), id_bits);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(wire::decode_chord(env, id_bits).error, result.error);
  return result.error;
}

wire::ChordEnvelope envelope_of(const ChordMessage& m) { return wire::encode_chord(42, m); }

// ---- round trips ----

TEST(WireChordCodecRoundTrip, EveryMessageSurvivesBytes) {
  std::vector<bool> seen(std::variant_size_v<ChordMessage>, false);
  for (const ChordMessage& m : samples()) {
    const auto result = wire::decode_chord_bytes(wire::encode_chord_bytes(42, m), bits);
    ASSERT_TRUE(result.ok()) << "message " << m.index() << ": " << result.error;
    EXPECT_TRUE(result.error.empty());
    EXPECT_EQ(result.value->from, 42u);
    EXPECT_EQ(result.value->msg, m) << "message " << m.index();
    seen[m.index()] = true;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_TRUE(seen[i]) << "no sample of message " << i;
}

TEST(WireChordCodecRoundTrip, ParsedEnvelopeAnd64BitIds) {
  const ChordMessage m = zonal::ChordForward{1, 2, ChordPackedId::of(~0ull), 5, 1, 1};
  const auto result = wire::decode_chord(wire::encode_chord(9, m), 64);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.value->msg, m);
  EXPECT_EQ(result.value->from, 9u);
}

TEST(WireChordCodecRoundTrip, NoNodeRefsTravelUnset) {
  const auto env = envelope_of(zonal::ChordStabilizeReply{1, ChordRef{}, 0, true});
  EXPECT_FALSE(env.stabilize_reply().has_predecessor());
  const auto with = envelope_of(zonal::ChordFindSuccessor{1, 0, ChordPackedId::of(3), 7});
  EXPECT_TRUE(with.find_successor().has_after());
  EXPECT_FALSE(envelope_of(zonal::ChordFindSuccessor{1, 0, ChordPackedId::of(3)}).find_successor().has_after());
}

// ---- envelope-level rejections ----

TEST(WireChordCodecReject, UnparsableBytes) {
  const auto result = wire::decode_chord_bytes(std::string("\xff\xff\xff\xff", 4), bits);
  EXPECT_THAT(result.error, StartsWith("chord_envelope: unparsable"));
}

TEST(WireChordCodecReject, MissingBody) {
  wire::ChordEnvelope env;
  env.set_from(3);
  EXPECT_EQ(error_of(env), "chord_envelope.body: missing (no known message set)");
}

TEST(WireChordCodecReject, SenderOutOfRangeOrNoPeer) {
  auto env = envelope_of(zonal::ChordPing{1});
  env.set_from(big_id);
  EXPECT_THAT(error_of(env), StartsWith("chord_envelope.from: 4294967296 exceeds"));
  env.set_from(zonal::no_peer);
  EXPECT_THAT(error_of(env), HasSubstr("reserved no_peer"));
}

TEST(WireChordCodecReject, Oversized) {
  const std::string big(wire::max_message_bytes + 1, '\0');
  EXPECT_THAT(wire::decode_chord_bytes(big, bits).error, StartsWith("message too large"));
  auto big_env = envelope_of(zonal::ChordFetchReply{});
  for (int i = 0; i < 20000; ++i) big_env.mutable_fetch_reply()->add_holders(0xFFFFFFF0u);
  EXPECT_THAT(wire::decode_chord(big_env, bits).error, StartsWith("message too large"));
}

TEST(WireChordCodecReject, BadIdBitsArgument) {
  EXPECT_THAT(wire::decode_chord(envelope_of(zonal::ChordPing{1}), 0).error, StartsWith("id_bits:"));
  EXPECT_THAT(wire::decode_chord(envelope_of(zonal::ChordPing{1}), 65).error, StartsWith("id_bits:"));
}

// ---- field rejections ----

TEST(WireChordCodecReject, KeysBeyondTheRing) {
  auto fs = envelope_of(zonal::ChordFindSuccessor{1, 0, ChordPackedId::of(1)});
  fs.mutable_find_successor()->set_key(1u << bits);
  EXPECT_EQ(error_of(fs), "find_successor.key: 65536 is not below 2^16 (chord.id_bits)");
  auto fw = envelope_of(zonal::ChordForward{1, 1, ChordPackedId::of(1), 5, 1, 1});
  fw.mutable_forward()->set_key(~0ull);
  EXPECT_THAT(error_of(fw), StartsWith("forward.key:"));
  // The same key is fine on a 64-bit ring.
  EXPECT_TRUE(wire::decode_chord(fw, 64).ok());
}

TEST(WireChordCodecReject, RefIdsBeyondTheRingAndBadPeers) {
  auto r = envelope_of(zonal::ChordFindSuccessorReply{1, 1, ref(5, 5), zonal::ChordStep::next});
  r.mutable_find_successor_reply()->mutable_node()->set_id(1u << bits);
  EXPECT_EQ(error_of(r), "find_successor_reply.node.id: 65536 is not below 2^16 (chord.id_bits)");
  r.mutable_find_successor_reply()->mutable_node()->set_id(5);
  r.mutable_find_successor_reply()->mutable_node()->set_peer(zonal::no_peer);
  EXPECT_THAT(error_of(r), StartsWith("find_successor_reply.node.peer:"));
  auto l = envelope_of(zonal::ChordLookupResult{1, 1, ref(5, 5), 1, 1, zonal::ChordStep::done});
  l.mutable_lookup_result()->mutable_successor()->set_peer(big_id);
  EXPECT_THAT(error_of(l), StartsWith("lookup_result.successor.peer: 4294967296 exceeds"));
  auto sr = envelope_of(zonal::ChordStabilizeReply{1, ref(5, 5), 1, false});
  sr.mutable_stabilize_reply()->mutable_predecessor()->set_id(1u << 20);
  EXPECT_THAT(error_of(sr), StartsWith("stabilize_reply.predecessor.id:"));
  auto ln = envelope_of(zonal::ChordLeaveNotice{ref(5, 5), zonal::ChordLeaveKind::to_successor});
  ln.mutable_leave_notice()->mutable_ref()->set_peer(zonal::no_peer);
  EXPECT_THAT(error_of(ln), StartsWith("leave_notice.ref.peer:"));
}

TEST(WireChordCodecReject, MissingRequiredRefs) {
  auto st = envelope_of(zonal::ChordStabilize{1, 2, ref(5, 5)});
  st.mutable_stabilize()->clear_sender();
  EXPECT_EQ(error_of(st), "stabilize.sender: missing");
  auto se = envelope_of(zonal::ChordSuccessorEntry{1, ref(5, 5), 0, 1});
  se.mutable_successor_entry()->clear_entry();
  EXPECT_EQ(error_of(se), "successor_entry.entry: missing");
}

TEST(WireChordCodecReject, PeerFieldsOutOfRangeOrNoPeer) {
  auto fs = envelope_of(zonal::ChordFindSuccessor{1, 0, ChordPackedId::of(1), 7});
  fs.mutable_find_successor()->set_after(zonal::no_peer);
  EXPECT_THAT(error_of(fs), StartsWith("find_successor.after:"));
  auto fw = envelope_of(zonal::ChordForward{1, 1, ChordPackedId::of(1), 5, 1, 1});
  fw.mutable_forward()->set_origin(big_id);
  EXPECT_THAT(error_of(fw), StartsWith("forward.origin:"));
  fw.mutable_forward()->clear_origin();  // proto3: absent = 0, a valid peer id
  EXPECT_TRUE(wire::decode_chord(fw, bits).ok());
  auto fa = envelope_of(zonal::ChordForwardAck{1, 1, 5, 1});
  fa.mutable_forward_ack()->set_origin(zonal::no_peer);
  EXPECT_THAT(error_of(fa), StartsWith("forward_ack.origin:"));
  auto s = envelope_of(zonal::ChordStore{ChordPackedId::of(1), 4, 0, 5, zonal::ChordStoreKind::primary});
  s.mutable_store()->set_holder(zonal::no_peer);
  EXPECT_THAT(error_of(s), StartsWith("store.holder:"));
  s.mutable_store()->set_holder(4);
  s.mutable_store()->set_origin(big_id);
  EXPECT_THAT(error_of(s), StartsWith("store.origin:"));
  auto fr = envelope_of(zonal::ChordFetchReply{1, 1, {4, zonal::no_peer, zonal::no_peer}, 1});
  fr.mutable_fetch_reply()->add_holders(zonal::no_peer);
  fr.mutable_fetch_reply()->set_total(2);
  EXPECT_THAT(error_of(fr), StartsWith("fetch_reply.holders[1]:"));
}

TEST(WireChordCodecReject, ValuesTooWideForTheCore) {
  auto fw = envelope_of(zonal::ChordForward{1, 1, ChordPackedId::of(1), 5, 1, 1});
  fw.mutable_forward()->set_hops(256);
  EXPECT_EQ(error_of(fw), "forward.hops: 256 exceeds maximum 255");
  fw.mutable_forward()->set_hops(1);
  fw.mutable_forward()->set_messages(65536);
  EXPECT_EQ(error_of(fw), "forward.messages: 65536 exceeds maximum 65535");
  auto fa = envelope_of(zonal::ChordForwardAck{1, 1, 5, 1});
  fa.mutable_forward_ack()->set_hops(1000);
  EXPECT_THAT(error_of(fa), StartsWith("forward_ack.hops:"));
  auto lr = envelope_of(zonal::ChordLookupResult{1, 1, ref(1, 1), 1, 1, zonal::ChordStep::done});
  lr.mutable_lookup_result()->set_messages(70000);
  EXPECT_THAT(error_of(lr), StartsWith("lookup_result.messages:"));
  lr.mutable_lookup_result()->set_messages(1);
  lr.mutable_lookup_result()->set_hops(300);
  EXPECT_THAT(error_of(lr), StartsWith("lookup_result.hops:"));
  auto sr = envelope_of(zonal::ChordStabilizeReply{1, ChordRef{}, 1, false});
  sr.mutable_stabilize_reply()->set_entries(33);
  EXPECT_EQ(error_of(sr), "stabilize_reply.entries: 33 exceeds maximum 32");
}

TEST(WireChordCodecReject, FetchReplyHolderCounts) {
  auto fr = envelope_of(zonal::ChordFetchReply{1, 1, {4, 5, 6}, 3});
  fr.mutable_fetch_reply()->add_holders(7);
  EXPECT_EQ(error_of(fr), "fetch_reply.holders: 4 entries exceed maximum 3");
  auto low = envelope_of(zonal::ChordFetchReply{1, 1, {4, 5, 6}, 3});
  low.mutable_fetch_reply()->set_total(2);
  EXPECT_EQ(error_of(low), "fetch_reply.total: 2 is below the 3 holders listed");
  low.mutable_fetch_reply()->set_total(65536);
  EXPECT_THAT(error_of(low), StartsWith("fetch_reply.total: 65536 exceeds"));
}

TEST(WireChordCodecReject, SuccessorEntryIndexAndCount) {
  auto se = envelope_of(zonal::ChordSuccessorEntry{1, ref(5, 5), 0, 1});
  se.mutable_successor_entry()->set_count(0);
  EXPECT_EQ(error_of(se), "successor_entry.count: 0 is invalid, must be at least 1");
  se.mutable_successor_entry()->set_count(33);
  EXPECT_EQ(error_of(se), "successor_entry.count: 33 exceeds maximum 32");
  se.mutable_successor_entry()->set_count(4);
  se.mutable_successor_entry()->set_index(4);
  EXPECT_EQ(error_of(se), "successor_entry.index: 4 is not below count 4");
}

TEST(WireChordCodecReject, UnknownEnumValues) {
  auto r = envelope_of(zonal::ChordFindSuccessorReply{1, 1, ref(5, 5), zonal::ChordStep::next});
  r.mutable_find_successor_reply()->set_step(static_cast<wire::ChordStep>(3));
  EXPECT_EQ(error_of(r), "find_successor_reply.step: 3 is not a known step");
  auto lr = envelope_of(zonal::ChordLookupResult{1, 1, ref(1, 1), 1, 1, zonal::ChordStep::done});
  lr.mutable_lookup_result()->set_step(static_cast<wire::ChordStep>(-1));
  EXPECT_EQ(error_of(lr), "lookup_result.step: -1 is not a known step");
  auto s = envelope_of(zonal::ChordStore{ChordPackedId::of(1), 4, 0, 5, zonal::ChordStoreKind::primary});
  s.mutable_store()->set_kind(static_cast<wire::ChordStoreKind>(9));
  EXPECT_EQ(error_of(s), "store.kind: 9 is not a known store kind");
  auto ln = envelope_of(zonal::ChordLeaveNotice{ChordRef{}, zonal::ChordLeaveKind::to_successor});
  ln.mutable_leave_notice()->set_kind(static_cast<wire::ChordLeaveKind>(2));
  EXPECT_EQ(error_of(ln), "leave_notice.kind: 2 is not a known leave kind");
}

// Corrupting valid bytes must never crash, and whatever is accepted must be in range.
TEST(WireChordCodecReject, MutatedBytesNeverCrash) {
  std::vector<std::string> valid;
  for (const auto& m : samples()) valid.push_back(wire::encode_chord_bytes(42, m));
  const zonal::ChordSpace space(bits);
  std::mt19937_64 rng(2026);
  int accepted = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string bytes = valid[static_cast<std::size_t>(i) % valid.size()];
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    const auto result = wire::decode_chord_bytes(bytes, bits);
    ASSERT_NE(result.ok(), !result.error.empty());
    if (!result.ok()) continue;
    ++accepted;
    EXPECT_NE(result.value->from, zonal::no_peer);
    if (const auto* f = std::get_if<zonal::ChordFindSuccessor>(&result.value->msg)) {
      EXPECT_TRUE(space.valid(f->key.value()));
    }
    if (const auto* f = std::get_if<zonal::ChordForward>(&result.value->msg)) {
      EXPECT_TRUE(space.valid(f->key.value()));
      EXPECT_NE(f->origin, zonal::no_peer);
    }
    if (const auto* e = std::get_if<zonal::ChordSuccessorEntry>(&result.value->msg)) {
      EXPECT_LT(e->index, e->count);
      EXPECT_TRUE(space.valid(e->entry.id()));
      EXPECT_NE(e->entry.peer, zonal::no_peer);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
