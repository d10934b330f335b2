// messages.svg: one bar per run, coloured by strategy, with a legend naming what is plotted.
#include <gtest/gtest.h>

#include <string>

#include "plot_svg.hpp"

namespace {

nlohmann::ordered_json summary_of(std::initializer_list<const char*> strategies,
                                  std::initializer_list<double> messages = {}) {
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  auto m = messages.begin();
  for (const char* s : strategies) {
    const double mean = m != messages.end() ? *m++ : 10.0;
    runs.push_back({{"label", std::string("search.strategy=") + s},
                    {"strategy", s},
                    {"metrics",
                     {{"messages_per_query", {{"mean", mean}, {"ci95", 1.0}}},
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

TEST(PlotSvg, LinearAxisWhileValuesStayWithinTwoDecades) {
  const std::string svg = zonal::sim::messages_svg(summary_of({"flood", "zone-flood"}, {8000, 700}));
  EXPECT_EQ(svg.find("log scale"), std::string::npos);
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);
  EXPECT_NE(svg.find("width=\"519.9"), std::string::npos) << svg;  // the flood bar: 8000 of 8001 (mean + CI)
}

TEST(PlotSvg, LogAxisWhenValuesSpanTwoDecadesOrMore) {
  const std::string svg = zonal::sim::messages_svg(summary_of({"flood", "chord"}, {50000, 14}));
  EXPECT_NE(svg.find("(mean, 95% CI; log scale)"), std::string::npos);
  for (const char* tick : {">10</text>", ">100</text>", ">1000</text>", ">10000</text>", ">100000</text>"})
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  // 14 lies 0.146 of a decade above 10, of 4 decades on a 520-pixel axis: a visible bar of 19 px.
  EXPECT_NE(svg.find("width=\"18.99"), std::string::npos) << svg;
}

}  // namespace
