// The on-disk event outbox (node/events/outbox.hpp): events survive a restart until confirmed,
// a torn last record is cut off, the size bound refuses rather than drops, confirmed segments go.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "event_feed.hpp"
#include "outbox.hpp"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("zonal-outbox-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::size_t segment_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".seg";
  return n;
}

TEST(Outbox, OnlySyncedEventsAreHandedOutAndConfirmedOnesLeave) {
  TempDir t;
  Outbox box(t.path, 100);
  ASSERT_EQ(box.append("file.shared", R"({"n":1})"), AppendResult::ok);
  ASSERT_EQ(box.append("file.shared", R"({"n":2})"), AppendResult::ok);
  EXPECT_TRUE(box.synced_after(0, 10).empty());  // written, not yet fsync'd
  ASSERT_TRUE(box.sync());
  const auto batch = box.synced_after(0, 10);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].routing_key, "file.shared");
  EXPECT_EQ(batch[1].body, R"({"n":2})");
  ASSERT_TRUE(box.confirm_through(batch[0].seq));
  EXPECT_EQ(box.depth(), 1u);
  EXPECT_EQ(box.synced_after(box.confirmed_seq(), 10).size(), 1u);
}

TEST(Outbox, UnconfirmedEventsSurviveARestartConfirmedOnesDoNot) {
  TempDir t;
  std::uint64_t first = 0;
  {
    Outbox box(t.path, 100);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(box.append("download.completed", "{\"i\":" + std::to_string(i) + "}"), AppendResult::ok);
    ASSERT_TRUE(box.sync());
    first = box.synced_after(0, 1).at(0).seq;
    ASSERT_TRUE(box.confirm_through(first + 1));  // two confirmed
  }
  Outbox again(t.path, 100);
  const auto left = again.synced_after(0, 10);
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].seq, first + 2);
  EXPECT_EQ(left[0].body, R"({"i":2})");
  ASSERT_EQ(again.append("file.shared", "{}"), AppendResult::ok);  // numbering continues
  ASSERT_TRUE(again.sync());
  EXPECT_EQ(again.synced_after(0, 10).back().seq, first + 5);
}

TEST(Outbox, TornLastRecordIsCutOff) {
  TempDir t;
  {
    Outbox box(t.path, 100);
    ASSERT_EQ(box.append("file.shared", R"({"ok":true})"), AppendResult::ok);
  }
  fs::path seg;
  for (const auto& e : fs::directory_iterator(t.path))
    if (e.path().extension() == ".seg") seg = e.path();
  std::ofstream(seg, std::ios::app) << "2 file.shared {\"half";  // a crash mid-write
  Outbox again(t.path, 100);
  EXPECT_EQ(again.depth(), 1u);
  ASSERT_EQ(again.append("file.shared", R"({"next":1})"), AppendResult::ok);
  ASSERT_TRUE(again.sync());
  const auto all = again.synced_after(0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].seq, 2u);
  EXPECT_EQ(all[1].body, R"({"next":1})");
}

TEST(Outbox, FullOutboxRefusesInsteadOfDropping) {
  TempDir t;
  Outbox box(t.path, 3);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(box.append("file.shared", "{}"), AppendResult::ok);
  EXPECT_FALSE(box.has_room());
  EXPECT_EQ(box.append("file.shared", R"({"late":1})"), AppendResult::full);
  EXPECT_EQ(box.depth(), 3u);  // nothing was dropped
  ASSERT_TRUE(box.sync());
  ASSERT_TRUE(box.confirm_through(box.synced_after(0, 1).at(0).seq));
  EXPECT_TRUE(box.has_room());
  EXPECT_EQ(box.append("file.shared", "{}"), AppendResult::ok);
}

TEST(Outbox, WhollyConfirmedSegmentsAreDeleted) {
  TempDir t;
  Outbox box(t.path, 1000, 10);
  for (int i = 0; i < 35; ++i) ASSERT_EQ(box.append("file.shared", "{}"), AppendResult::ok);
  ASSERT_TRUE(box.sync());
  EXPECT_EQ(segment_files(t.path), 4u);
  ASSERT_TRUE(box.confirm_through(25));
  EXPECT_EQ(segment_files(t.path), 2u);  // 21..30 (partly confirmed) and the open 31..35 stay
  ASSERT_TRUE(box.confirm_through(35));
  EXPECT_EQ(segment_files(t.path), 1u);
  EXPECT_EQ(box.depth(), 0u);
}

TEST(Outbox, RejectsMultiLineRecords) {
  TempDir t;
  Outbox box(t.path, 10);
  EXPECT_THROW(box.append("file shared", "{}"), std::invalid_argument);
  EXPECT_THROW(box.append("file.shared", "{\n}"), std::invalid_argument);
  EXPECT_EQ(box.depth(), 0u);
}

TEST(EventFeed, StampsUniqueIdsAndKeepsRecentEvents) {
  class Collect final : public EventSink {
   public:
    void publish(const std::string&, nlohmann::json body) override { got.push_back(std::move(body)); }
    std::vector<nlohmann::json> got;
  };
  auto inner = std::make_unique<Collect>();
  Collect& seen = *inner;
  EventFeed feed(std::move(inner), 3);
  for (int i = 0; i < 5; ++i) feed.publish("file.shared", {{"i", i}});
  ASSERT_EQ(seen.got.size(), 5u);
  EXPECT_EQ(seen.got[0]["event"], "file.shared");
  EXPECT_TRUE(seen.got[0].contains("time_ms"));
  EXPECT_NE(seen.got[0]["event_id"], seen.got[1]["event_id"]);
  const FeedSlice s = feed.recent(0, std::chrono::milliseconds(0));
  EXPECT_EQ(s.next, 5u);
  ASSERT_EQ(s.events.size(), 3u);  // only the last three are kept
  EXPECT_EQ(s.events[0]["i"], 2);
  EXPECT_TRUE(feed.recent(5, std::chrono::milliseconds(0)).events.empty());
  EventFeed other(std::make_unique<Collect>());
  other.publish("file.shared", {});
  EXPECT_NE(other.recent(0, std::chrono::milliseconds(0)).events[0]["event_id"], seen.got[0]["event_id"]);  // ids differ per run
}

}  // namespace
}  // namespace zonal::node
