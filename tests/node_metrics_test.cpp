// The metrics registry (node/common/metrics.hpp) and its Prometheus text exposition.
#include <gtest/gtest.h>

#include <thread>

#include "metrics.hpp"

namespace zonal::node {
namespace {

TEST(Metrics, CountersAndGaugesAreExposedWithLabels) {
  MetricsRegistry m;
  auto& sent = m.counter("zonal_messages_out_total", "messages sent", {"kind"});
  sent.with({"query"}).inc();
  sent.with({"query"}).inc(2);
  sent.with({"query_hit"}).inc();
  m.gauge("zonal_outbox_depth", "events waiting").with().set(7);
  m.gauge_fn("zonal_peers_known", "peers in the address book", [] { return 12.0; });
  const std::string text = m.exposition();
  EXPECT_NE(text.find("# TYPE zonal_messages_out_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zonal_messages_out_total{kind=\"query\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zonal_messages_out_total{kind=\"query_hit\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE zonal_outbox_depth gauge\nzonal_outbox_depth 7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zonal_peers_known 12\n"), std::string::npos) << text;
}

TEST(Metrics, SameNameReturnsTheSameFamilyAndOtherTypesAreRefused) {
  MetricsRegistry m;
  auto& a = m.counter("zonal_x_total", "x");
  auto& b = m.counter("zonal_x_total", "x again");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(m.gauge("zonal_x_total", "x"), std::invalid_argument);
  EXPECT_THROW(m.counter("bad name", "x"), std::invalid_argument);
  EXPECT_THROW(m.counter("9lives", "x"), std::invalid_argument);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithLeSemantics) {
  MetricsRegistry m;
  auto& h = m.histogram("zonal_first_hit_seconds", "first hit", {"strategy"}, {0.001, 0.01, 0.1}).with({"flood"});
  h.observe(0.0005);
  h.observe(0.001);  // on the bound: counted in le="0.001"
  h.observe(0.05);
  h.observe(3);
  const auto s = h.snapshot();
  ASSERT_EQ(s.cumulative.size(), 4u);
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[1], 2u);
  EXPECT_EQ(s.cumulative[2], 3u);
  EXPECT_EQ(s.cumulative[3], 4u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_NEAR(s.sum, 3.0515, 1e-9);
  const std::string text = m.exposition();
  EXPECT_NE(text.find("zonal_first_hit_seconds_bucket{strategy=\"flood\",le=\"0.001\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zonal_first_hit_seconds_bucket{strategy=\"flood\",le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zonal_first_hit_seconds_count{strategy=\"flood\"} 4\n"), std::string::npos) << text;
}

TEST(Metrics, LabelValuesAreEscapedAndLabelSetsAreCapped) {
  MetricsRegistry m;
  auto& f = m.counter("zonal_y_total", "y", {"name"});
  f.with({"a\"b\\c\nd"}).inc();
  EXPECT_NE(m.exposition().find("zonal_y_total{name=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << m.exposition();
  for (std::size_t i = 0; i < metric_label_sets_max + 50; ++i) f.with({std::to_string(i)}).inc();
  std::size_t lines = 0;
  const std::string text = m.exposition();
  for (std::size_t p = text.find("zonal_y_total{"); p != std::string::npos; p = text.find("zonal_y_total{", p + 1)) ++lines;
  EXPECT_EQ(lines, metric_label_sets_max);
  // A wrong number of label values goes to the uncounted overflow child, not to a new line.
  f.with({"a", "b"}).inc();
  EXPECT_EQ(m.exposition(), text);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry m;
  auto& c = m.counter("zonal_z_total", "z").with();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
}

}  // namespace
}  // namespace zonal::node
