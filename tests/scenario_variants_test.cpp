// Sweep variants ("sweep": {"variants": [...]}) and zones.entry: several parameter paths set per
// run, labels, cross products with other axes, and one test per kind of rejected input.
#include <gtest/gtest.h>

#include "scenario_text.hpp"

using namespace zonal;
using namespace zonal::sim;
using zonal::sim::test::error_of;
using zonal::sim::test::parse_text;

TEST(ScenarioVariants, EachVariantSetsItsPathsOverTheBaseDocument) {
  const auto plan = parse_text(R"json({"name": "v", "zones": {"placement": "random", "publish_replicas": 2},
    "search": {"strategy": "flood", "ttl": 5},
    "sweep": {"variants": [
      {"label": "flood", "search": {"strategy": "flood", "ttl": 7}},
      {"label": "zone flood (random entry)", "search": {"strategy": "zone-flood"}},
      {"label": "zone flood (rendezvous)", "search": {"strategy": "zone-flood"}, "zones.placement": "rendezvous",
       "zones.entry": "any-keeper"},
      {"search.ttl": 3, "zones.publish_replicas": 4}]}})json");
  ASSERT_EQ(plan.runs.size(), 4u);
  EXPECT_EQ(plan.runs[0].label, "flood");
  EXPECT_EQ(plan.runs[0].scenario.search.strategy, Strategy::flood);
  EXPECT_EQ(plan.runs[0].scenario.search.params.ttl_hops, 7);
  EXPECT_EQ(plan.runs[0].scenario.zones.placement, ZonePlacement::random);
  EXPECT_EQ(plan.runs[1].label, "zone flood (random entry)");
  EXPECT_EQ(plan.runs[1].scenario.search.strategy, Strategy::zone_flood);
  EXPECT_EQ(plan.runs[1].scenario.search.params.ttl_hops, ttl_hops_default);  // a whole-section value replaces the section
  EXPECT_EQ(plan.runs[1].scenario.zones.placement, ZonePlacement::random);
  EXPECT_EQ(plan.runs[1].scenario.zones.entry, ZoneEntry::top);
  EXPECT_EQ(plan.runs[2].scenario.zones.placement, ZonePlacement::rendezvous);
  EXPECT_EQ(plan.runs[2].scenario.zones.entry, ZoneEntry::any_keeper);
  EXPECT_EQ(plan.runs[2].scenario.zones.publish_replicas, 2u);
  EXPECT_EQ(plan.runs[3].label, "search.ttl=3,zones.publish_replicas=4");  // no label: its paths and values
  EXPECT_EQ(plan.runs[3].scenario.search.params.ttl_hops, 3);
  EXPECT_EQ(plan.runs[3].scenario.search.strategy, Strategy::flood);
  EXPECT_EQ(plan.runs[3].scenario.zones.publish_replicas, 4u);
}

TEST(ScenarioVariants, CrossProductWithOtherAxes) {
  const auto plan = parse_text(R"({"name": "v", "sweep": {
    "variants": [{"label": "a", "zones.placement": "random"}, {"label": "b", "zones.placement": "rendezvous"}],
    "search.ttl": [3, 5]}})");
  ASSERT_EQ(plan.runs.size(), 4u);  // parse_text's JSON sorts keys: search.ttl is the first axis here
  EXPECT_EQ(plan.runs[0].label, "search.ttl=3,a");
  EXPECT_EQ(plan.runs[1].label, "search.ttl=3,b");
  EXPECT_EQ(plan.runs[3].label, "search.ttl=5,b");
  EXPECT_EQ(plan.runs[3].scenario.zones.placement, ZonePlacement::rendezvous);
  EXPECT_EQ(plan.runs[3].scenario.search.params.ttl_hops, 5);
}

TEST(ScenarioVariants, DefaultsComeFromTheProtocolCore) {
  const auto plan = parse_text(R"({"name": "d"})");
  const PeerConfig core;
  EXPECT_EQ(plan.runs[0].scenario.zones.placement, core.zone_placement);
  EXPECT_EQ(plan.runs[0].scenario.zones.publish_replicas, core.publish_replicas);
  EXPECT_EQ(plan.runs[0].scenario.zones.entry, core.zone_entry);
  EXPECT_EQ(core.zone_placement, ZonePlacement::rendezvous);  // docs/protocol.md, "Choosing the placement"
}

TEST(ScenarioVariants, RejectedInputsNameTheirPath) {
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"entry": "first"}})"),
            R"(zones.entry: unknown value "first" (expected one of: top, any-keeper))");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [3]}})"),
            "sweep.variants[0]: expected an object of parameter paths, got number");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"label": "a"}]}})"),
            "sweep.variants[0]: must set at least one parameter path");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"search.bogus": 1}]}})"),
            "sweep.variants[0].search.bogus: unknown key \"bogus\" in section search");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"seed": 1}]}})").rfind("sweep.variants[0].seed: cannot be swept", 0),
            0u);
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"search": {}, "search.ttl": 3}]}})"),
            "sweep.variants[0].search.ttl: overlaps search");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"variants": []}]}})"),
            "sweep.variants[0].variants: cannot be nested");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"search.ttl": 3}], "search": [{}]}})"),
            "sweep.variants[].search.ttl: overlaps sweep.search");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"label": "a", "search.ttl": 3}, {"label": "a", "search.ttl": 4}]}})"),
            "sweep.variants[1].label: duplicate label \"a\"");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"label": "a", "search.ttl": 3}, {"label": "b", "search.ttl": 3}]}})"),
            "sweep.variants[1]: duplicate value {\"search.ttl\":3}");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"search.ttl": 3}, {"search.ttl": 11}]}})"),
            "sweep.variants[1].search.ttl: must be between 1 and 10, got 11");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"variants": [{"zones.placement": "near"}]}})"),
            R"(sweep.variants[0].zones.placement: unknown value "near" (expected one of: random, rendezvous))");
}
