// The short table zonal-sim prints on stdout: one row per run, and a note when fault runs
// skipped queries of offline origins.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "output.hpp"

namespace {

nlohmann::ordered_json run_of(const std::string& label, double skipped) {
  nlohmann::ordered_json metrics;
  for (const char* m : {"queries", "success_rate", "messages_per_query", "duplicates_per_query", "reached_per_query",
                        "first_hit_hops_mean", "first_hit_ms_mean", "busiest_peer_messages"})
    metrics[m] = {{"mean", 1.0}, {"ci95", 0.0}};
  if (skipped >= 0) metrics["queries_skipped"] = {{"mean", skipped}, {"ci95", 0.0}};
  return {{"label", label}, {"strategy", "flood"}, {"metrics", metrics}};
}

std::string table_of(const nlohmann::ordered_json& runs) {
  std::ostringstream out;
  zonal::sim::print_table(out, {{"scenario", "t"}, {"seed", 1}, {"runs", runs}});
  return out.str();
}

TEST(OutputTable, OneRowPerRunAndNoNoteWithoutSkippedQueries) {
  const std::string t = table_of(nlohmann::ordered_json::array({run_of("a", -1), run_of("b", 0)}));
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 3) << t;  // header + 2 rows
  EXPECT_EQ(t.find("note:"), std::string::npos) << t;
}

TEST(OutputTable, SkippedQueriesOfOfflineOriginsAreNoted) {
  const std::string t = table_of(nlohmann::ordered_json::array({run_of("a", 400), run_of("b", 7.5)}));
  EXPECT_NE(t.find("note: 407.5 queries (summed over the runs, mean of the replications) were not started because "
                   "their origin was offline"),
            std::string::npos)
      << t;
}

}  // namespace
