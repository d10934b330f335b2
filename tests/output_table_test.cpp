// The short table zonal-sim prints on stdout: one row per run, and a note when fault runs
// skipped queries of offline origins.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "output/output.hpp"

namespace {

nlohmann::ordered_json run_of(const std::string& label, double skipped) {
  nlohmann::ordered_json metrics;
  for (const char* m : {"queries", "success_rate", "messages_per_query", "duplicates_per_query", "reached_per_query",
                        "first_hit_hops_mean", "first_hit_ms_mean", "busiest_peer_messages"})
    metrics[m] = {{"mean", 1.0}, {"ci95", 0.0}};
  nlohmann::ordered_json replications = nlohmann::ordered_json::array();
  for (double share : {0.25, 0.75}) {  // two replications whose skipped counts average to `skipped`
    nlohmann::ordered_json rep = {{"seed", 1}};
    if (skipped >= 0) rep["queries_skipped"] = 2 * share * skipped;
    replications.push_back(rep);
  }
  if (skipped >= 0) metrics["queries_skipped"] = {{"mean", skipped}, {"ci95", 0.0}};
  return {{"label", label}, {"strategy", "flood"}, {"metrics", metrics}, {"replications", replications}};
}

std::string table_of(const nlohmann::ordered_json& runs) {
  std::ostringstream out;
  zonal::sim::print_table(out, {{"scenario", "t"}, {"seed", 1}, {"runs", runs}});
  return out.str();
}

TEST(OutputTable, OneRowPerRunAndNoNoteWithoutSkippedQueries) {
  const std::string t = table_of(nlohmann::ordered_json::array({run_of("a", -1), run_of("b", 0)}));
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 4) << t;  // header + 2 rows + the legend line
  EXPECT_EQ(t.find("note:"), std::string::npos) << t;
}

TEST(OutputTable, SkippedQueriesOfOfflineOriginsAreNoted) {
  const std::string t = table_of(nlohmann::ordered_json::array({run_of("a", 400), run_of("b", 7.5)}));
  // Counted over every replication (2 x 400 + 2 x 7.5), so never a fraction of a query.
  EXPECT_NE(t.find("note: 815 queries (over all runs and replications) were not started because "
                   "their origin was offline"),
            std::string::npos)
      << t;
}

TEST(OutputTable, ReplicatedRunsShowConfidenceHalfWidths) {
  nlohmann::ordered_json run = run_of("a", -1);
  run["metrics"]["messages_per_query"] = {{"mean", 120.0}, {"ci95", 3.3}};
  run["metrics"]["success_rate_existing"] = {{"mean", 0.5}, {"ci95", 0.0}};
  const std::string t = table_of(nlohmann::ordered_json::array({run}));
  EXPECT_NE(t.find("120.0 ±3.3"), std::string::npos) << t;
  EXPECT_NE(t.find("50.0%"), std::string::npos) << "found: success among existing names\n" << t;
  EXPECT_NE(t.find("95% confidence"), std::string::npos) << t;
}

}  // namespace
