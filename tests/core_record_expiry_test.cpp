// Index records lapse unless their holder renews them (issue 9: records accepted only from their
// holder, with expiry): zone records (FileIndex, Publish) and Chord records (ChordRecords), and
// the simulator's model (lifetime 0) keeps them forever.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "peer_outputs.hpp"
#include "zonal/chord_records.hpp"
#include "zonal/file_index.hpp"
#include "zonal/hash.hpp"
#include "zonal/peer.hpp"

using namespace zonal;
using zonal::test::drain;

namespace {

constexpr TimeUs s_us = 1'000'000;

std::shared_ptr<const ZoneDirectory> two_zones() {
  return std::make_shared<const ZoneDirectory>(std::vector<std::vector<PeerId>>{{0, 1, 2}, {6, 7, 8}}, 1);
}

FileKey key_in_zone(ZoneId zone) {
  for (int i = 0;; ++i) {
    std::string name = "r";
    name += std::to_string(i);
    if (home_zone(file_key(name), 2) == zone) return file_key(name);
  }
}

}  // namespace

TEST(RecordExpiry, FileIndexRecordsLapseUnlessRenewed) {
  FileIndex index;
  index.add_record(10, 3, 5 * s_us);   // lapses at 5 s
  index.add_record(10, 4, 0);          // never lapses
  index.add_record(20, 3, 2 * s_us + 1);  // rounded up: lapses at 3 s
  EXPECT_EQ(index.record_count(), 3u);
  EXPECT_EQ(index.expire_records(2 * s_us), 0u);
  EXPECT_EQ(index.expire_records(3 * s_us), 1u);
  EXPECT_EQ(index.record_count(), 2u);
  index.add_record(10, 3, 9 * s_us);  // renewal: the same record, a later end
  EXPECT_EQ(index.record_count(), 2u);
  EXPECT_EQ(index.expire_records(6 * s_us), 0u);
  EXPECT_EQ(index.record_holder(10), 3u);
  EXPECT_EQ(index.expire_records(9 * s_us), 1u);
  EXPECT_EQ(index.record_holder(10), 4u);  // the record that never lapses stays
  EXPECT_EQ(index.expire_records(1'000'000 * s_us), 0u);
  EXPECT_FALSE(index.record_holder(20));
}

TEST(RecordExpiry, PublishedRecordsLapseAtTheConfiguredLifetime) {
  PeerConfig c;
  c.record_ttl_us = 10 * s_us;
  Peer keeper(6, c, 1);
  const FileKey key = key_in_zone(1);
  keeper.handle_message(0, 3, Publish{key, 3});
  keeper.handle_message(4 * s_us, 3, Publish{key, 3});  // renewed: now lapses at 14 s
  keeper.expire_records(12 * s_us);
  EXPECT_EQ(keeper.index().record_holder(key), 3u);
  EXPECT_EQ(keeper.expire_records(14 * s_us), 1u);
  EXPECT_FALSE(keeper.index().record_holder(key));
  // A search reaching the keeper now finds no record: it floods the zone instead of answering.
  keeper.set_zone_neighbours({7, 8});
  keeper.handle_message(15 * s_us, 0, Query{(QueryId{9} << 32) | 1, key, 0, 7, 1, Strategy::zone_flood, Scope::zone_entry});
  for (const auto& t : drain(keeper)) EXPECT_FALSE(std::holds_alternative<QueryHit>(t.msg));
}

TEST(RecordExpiry, LifetimeZeroKeepsRecordsForever) {
  Peer keeper(6, PeerConfig{}, 1);  // the simulator's model
  keeper.handle_message(0, 3, Publish{key_in_zone(1), 3});
  EXPECT_EQ(keeper.expire_records(1'000'000'000 * s_us), 0u);
  EXPECT_EQ(keeper.index().record_count(), 1u);
}

TEST(RecordExpiry, RepublishRenewsTheHoldersOwnRecords) {
  PeerConfig c;
  c.publish_replicas = 2;
  c.record_ttl_us = 10 * s_us;
  Peer holder(0, c, 1);
  const FileKey key = key_in_zone(1);
  holder.republish(0);
  EXPECT_TRUE(drain(holder).empty());  // no directory yet
  holder.share(0, key);
  holder.handle_zone_directory(0, two_zones());
  const auto first = drain(holder);
  ASSERT_EQ(first.size(), 2u);
  holder.republish(5 * s_us);
  const auto again = drain(holder);
  ASSERT_EQ(again.size(), 2u);  // the same keepers, the same record
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].to, first[i].to);
    EXPECT_EQ(std::get<Publish>(again[i].msg).key, key);
    EXPECT_EQ(std::get<Publish>(again[i].msg).holder, 0u);
  }
  // A keeper fed the republication keeps the record past the first lifetime.
  Peer keeper(first[0].to, c, 2);
  keeper.handle_message(0, 0, first[0].msg);
  keeper.handle_message(5 * s_us, 0, again[0].msg);
  EXPECT_EQ(keeper.expire_records(12 * s_us), 0u);
  EXPECT_EQ(keeper.expire_records(15 * s_us), 1u);
}

TEST(RecordExpiry, ChordRecordsLapseUnlessRenewedAndKeepTheirOrder) {
  ChordRecords records;
  EXPECT_TRUE(records.add(ChordRecord{5, 50, 2, 4}));
  EXPECT_TRUE(records.add(ChordRecord{5, 50, 1, 0}));  // never lapses
  EXPECT_TRUE(records.add(ChordRecord{7, 70, 3, 2}));
  EXPECT_FALSE(records.add(ChordRecord{5, 50, 2, 8}));  // renewal, not a second record
  ASSERT_EQ(records.of(5, 50).size(), 2u);
  EXPECT_EQ(records.of(5, 50)[0].holder, 1u);
  EXPECT_EQ(records.expire(3 * s_us), 1u);  // {7, 70, 3} lapsed at 2 s
  EXPECT_EQ(records.expire(7 * s_us), 0u);  // {5, 50, 2} renewed until 8 s
  EXPECT_EQ(records.expire(8 * s_us), 1u);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records.all()[0].holder, 1u);
}
