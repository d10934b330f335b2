// The node's limit building blocks on their own: the io loop skips calls whose caller gave up,
// per-peer token buckets, Store admission (concurrency and quota), the API-token checks.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>

#include "api_auth.hpp"
#include "io_loop.hpp"
#include "rate_limiter.hpp"
#include "store_limits.hpp"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

TEST(IoLoopLimits, TimedOutCallIsSkippedNotRunLater) {
  IoLoop loop;
  std::promise<void> release;
  auto released = release.get_future().share();
  loop.post([released] { released.wait(); });  // the loop is busy
  std::atomic<bool> ran{false};
  const auto result = loop.call([&ran] { ran = true; return 1; }, std::chrono::milliseconds(20));
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(loop.queued(), 1u);
  release.set_value();
  EXPECT_EQ(loop.call([] { return 2; }, std::chrono::seconds(30)), 2);  // everything before it has run
  EXPECT_FALSE(ran);
  EXPECT_EQ(loop.abandoned(), 1u);
  EXPECT_EQ(loop.queued(), 0u);
  loop.stop([] {});
}

TEST(RateLimiterTest, BurstThenRateThenRefill) {
  RateLimiter limiter(10, 5, 2);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow(7, t0));
  EXPECT_FALSE(limiter.allow(7, t0));
  EXPECT_TRUE(limiter.allow(8, t0));  // another peer has its own bucket
  EXPECT_TRUE(limiter.allow(7, t0 + std::chrono::milliseconds(100)));  // 10/s: one token per 100 ms
  EXPECT_FALSE(limiter.allow(7, t0 + std::chrono::milliseconds(100)));
  EXPECT_EQ(limiter.refused(), 2u);
  // The table holds 2 peers: a third shares the overflow bucket while both are busy...
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow(9, t0));
  EXPECT_FALSE(limiter.allow(10, t0));
  // ... and takes the place of an idle (refilled) peer later.
  EXPECT_TRUE(limiter.allow(11, t0 + std::chrono::seconds(10)));
}

TEST(StoreLimitsTest, ConcurrencyAndQuotaPerPeer) {
  StoreLimits limits(StoreLimitsConfig{2, 1000, std::chrono::seconds(60), std::chrono::seconds(60)});
  std::string why;
  bool over_quota = false;
  auto a = limits.admit("10.0.0.1", 400, [] {}, why, over_quota);
  auto b = limits.admit("10.0.0.1", 400, [] {}, why, over_quota);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limits.admit("10.0.0.2", 1, [] {}, why, over_quota));
  EXPECT_FALSE(over_quota);
  EXPECT_NE(why.find("files.store_uploads_max"), std::string::npos) << why;
  a->commit();
  a.reset();
  b.reset();  // not committed: its 400 bytes are given back
  EXPECT_FALSE(limits.admit("10.0.0.1", 700, [] {}, why, over_quota));
  EXPECT_TRUE(over_quota);
  EXPECT_NE(why.find("files.store_quota_bytes"), std::string::npos) << why;
  EXPECT_TRUE(limits.admit("10.0.0.1", 600, [] {}, why, over_quota));
  EXPECT_TRUE(limits.admit("10.0.0.2", 1000, [] {}, why, over_quota));  // another peer's quota
  const auto c = limits.counters();
  EXPECT_EQ(c.refused_busy, 1u);
  EXPECT_EQ(c.refused_quota, 1u);
}

TEST(StoreLimitsTest, IdleUploadIsCancelledByTheWatchdog) {
  StoreLimits limits(StoreLimitsConfig{4, 1000, std::chrono::seconds(60), std::chrono::milliseconds(200)});
  std::string why;
  bool over_quota = false;
  std::promise<void> cancelled;
  auto t = limits.admit("h", 10, [&cancelled] { cancelled.set_value(); }, why, over_quota);
  ASSERT_TRUE(t);
  ASSERT_EQ(cancelled.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_NE(t->cancel_reason().find("files.store_idle_ms"), std::string::npos) << t->cancel_reason();
  EXPECT_EQ(limits.counters().cancelled, 1u);
}

TEST(ApiAuthTest, HostOriginAndToken) {
  ApiAuth auth(std::string(32, 't'), default_allowed_hosts({"0.0.0.0", "node7.lan"}));
  HttpRequest r;
  r.path = "/api/status";
  r.headers["host"] = "127.0.0.1:8701";
  r.headers["authorization"] = "Bearer " + std::string(32, 't');
  EXPECT_FALSE(auth.check(r));
  r.headers["host"] = "NODE7.lan:80";
  EXPECT_FALSE(auth.check(r));
  r.headers["host"] = "[::1]:8701";
  EXPECT_FALSE(auth.check(r));
  r.headers["origin"] = "http://localhost:3000";
  EXPECT_FALSE(auth.check(r));
  r.headers["origin"] = "null";
  EXPECT_EQ(auth.check(r)->status, 403);
  r.headers.erase("origin");
  r.headers["host"] = "0.0.0.0:8701";  // the wildcard bind address is no name of the node
  EXPECT_EQ(auth.check(r)->status, 403);
  r.headers["host"] = "localhost";
  r.headers["authorization"] = "Bearer " + std::string(31, 't') + "u";
  const auto wrong = auth.check(r);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->headers.at("WWW-Authenticate"), "Bearer realm=\"zonal\"");
  r.headers.erase("authorization");
  EXPECT_EQ(auth.check(r)->status, 401);
  r.path = "/healthz";
  EXPECT_FALSE(auth.check(r));  // exempt from the token, not from the Host check
  r.headers["host"] = "evil.example";
  EXPECT_EQ(auth.check(r)->status, 403);
  EXPECT_EQ(auth.counters().unauthorized, 2u);
  EXPECT_EQ(auth.counters().forbidden, 3u);
}

TEST(ApiAuthTest, TokenFileIsCreatedPrivateAndReused) {
  const fs::path dir = fs::temp_directory_path() / ("zonal-token-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string token = load_or_create_api_token(dir, "");
  EXPECT_EQ(token.size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(api_token_path(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_or_create_api_token(dir, ""), token);
  EXPECT_EQ(load_or_create_api_token(dir, "configured-token-123"), "configured-token-123");
  EXPECT_THROW(load_or_create_api_token(dir, "short"), std::runtime_error);
  ::chmod(api_token_path(dir).c_str(), 0640);
  EXPECT_THROW(load_or_create_api_token(dir, ""), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zonal::node
