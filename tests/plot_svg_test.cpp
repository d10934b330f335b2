// messages.svg: one bar per run, coloured by strategy, with a legend naming what is plotted.
#include <gtest/gtest.h>

#include <string>

#include "plot_svg.hpp"

namespace {

nlohmann::ordered_json summary_of(std::initializer_list<const char*> strategies) {
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const char* s : strategies) {
    runs.push_back({{"label", std::string("search.strategy=") + s},
                    {"strategy", s},
                    {"metrics",
                     {{"messages_per_query", {{"mean", 10.0}, {"ci95", 1.0}}},
                      {"success_rate", {{"mean", 0.5}, {"ci95", 0.0}}}}}});
  }
  return {{"scenario", "plot"}, {"seed", 1}, {"runs", runs}};
}

TEST(PlotSvg, LegendNamesOnlyThePlottedStrategies) {
  const std::string svg = zonal::sim::messages_svg(summary_of({"flood", "zone-flood"}));
  EXPECT_NE(svg.find("orange = flood, green = zone-flood</text>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#d95f02\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#1b9e77\""), std::string::npos);
}

TEST(PlotSvg, EveryOtherStrategyHasItsOwnColourAndLegendEntry) {
  const std::string svg = zonal::sim::messages_svg(summary_of({"flood", "random-walk", "expanding-ring", "chord"}));
  EXPECT_NE(svg.find("success rate; orange = flood, pink = random-walk, purple = expanding-ring, yellow = chord</text>"),
            std::string::npos);
  const std::string chord_only = zonal::sim::messages_svg(summary_of({"chord"}));
  EXPECT_NE(chord_only.find("success rate; yellow = chord</text>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#e7298a\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#7570b3\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#e6ab02\""), std::string::npos);
}

}  // namespace
