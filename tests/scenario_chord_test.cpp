// The scenario's chord section and content.files_per_peer: values, defaults and one test per
// kind of rejected input (every error names its JSON path).
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario.hpp"
#include "scenario_text.hpp"

namespace zonal::sim {
namespace {

using test::error_of;
using test::parse_text;

/// A scenario of `peers` peers with `chord` as the chord section's members and `content` as content's.
std::string doc(const std::string& chord, std::uint32_t peers = 100, const std::string& content = "") {
  return R"({"name": "c", "peers": )" + std::to_string(peers) + R"(, "search": {"strategy": "chord"}, "content": {)" +
         content + R"(}, "chord": {)" + chord + "}}";
}

TEST(ScenarioChord, EveryValueParses) {
  const auto plan = parse_text(doc(R"("id_bits": 32, "successors": 5, "stabilize_ms": 100, "fix_fingers_ms": 200,
      "check_predecessor_ms": 300, "mode": "recursive", "replication": true, "ring": "join", "settle_ms": 9000)"));
  const Scenario& s = plan.runs[0].scenario;
  EXPECT_EQ(s.search.strategy, Strategy::chord);
  EXPECT_EQ(s.chord.id_bits, 32);
  EXPECT_EQ(s.chord.successors, 5);
  EXPECT_EQ(s.chord.stabilize_ms, 100);
  EXPECT_EQ(s.chord.fix_fingers_ms, 200);
  EXPECT_EQ(s.chord.check_predecessor_ms, 300);
  EXPECT_EQ(s.chord.mode, ChordLookupMode::recursive);
  EXPECT_TRUE(s.chord.replication);
  EXPECT_EQ(s.chord.ring, ChordRingKind::join);
  EXPECT_EQ(s.chord.settle_ms, 9000);
}

TEST(ScenarioChord, ExplicitIdsParseInPeerOrder) {
  const auto plan = parse_text(doc(R"("id_bits": 64, "ids": [18446744073709551615, 0, 7, 1, 2, 3, 4, 5, 6, 8])", 10));
  const std::vector<ChordId> want{UINT64_MAX, 0, 7, 1, 2, 3, 4, 5, 6, 8};
  EXPECT_EQ(plan.runs[0].scenario.chord.ids, want);
  EXPECT_TRUE(parse_text(doc("", 10)).runs[0].scenario.chord.ids.empty());
}

TEST(ScenarioChordErrors, ExplicitIds) {
  const auto with = [](const std::string& first, const std::string& rest = ", 3, 4, 5, 6, 7, 8, 9, 10]") {
    return doc(R"("id_bits": 4, "ids": [)" + first + rest, 10);
  };
  EXPECT_EQ(error_of(doc(R"("ids": 5)", 10)), "chord.ids: must be an array of integers");
  EXPECT_EQ(error_of(with("1, 2", "]")), "chord.ids: must hold one id per peer (10), got 2");
  EXPECT_EQ(error_of(with("1, 16")), "chord.ids[1]: must be between 0 and 15, got 16");
  EXPECT_EQ(error_of(with("1, -2")), "chord.ids[1]: must be between 0 and 15, got -2");
  EXPECT_EQ(error_of(with("1, 3")), "chord.ids[2]: id 3 is listed twice");
  EXPECT_EQ(error_of(with(R"(1, "2")")), "chord.ids[1]: expected an integer, got string");
}

// Chord defaults are checked against docs/scenarios.md in scenario_docs_test.cpp.

TEST(ScenarioChord, FilesPerPeerScalesWithPeers) {
  const auto plan = parse_text(R"({"name": "c", "peers": 8, "topology": {"kind": "random-regular", "degree": 2},
      "content": {"files_per_peer": 100, "replicas": 1}, "sweep": {"peers": [8, 16]}})");
  EXPECT_EQ(plan.runs[0].scenario.content.files, 800u);
  EXPECT_EQ(plan.runs[1].scenario.content.files, 1600u);
}

TEST(ScenarioChordErrors, OutOfRange) {
  EXPECT_EQ(error_of(doc(R"("id_bits": 0)")), "chord.id_bits: must be between 1 and 64, got 0");
  EXPECT_EQ(error_of(doc(R"("id_bits": 65)")), "chord.id_bits: must be between 1 and 64, got 65");
  EXPECT_EQ(error_of(doc(R"("successors": 0)")), "chord.successors: must be between 1 and 32, got 0");
  EXPECT_EQ(error_of(doc(R"("successors": 33)")), "chord.successors: must be between 1 and 32, got 33");
  EXPECT_EQ(error_of(doc(R"("stabilize_ms": -1)")), "chord.stabilize_ms: must be >= 0, got -1");
  EXPECT_EQ(error_of(doc(R"("fix_fingers_ms": 1e9)")), "chord.fix_fingers_ms: must be <= 86400000, got 1000000000");
  EXPECT_EQ(error_of(doc(R"("check_predecessor_ms": -0.5)")), "chord.check_predecessor_ms: must be >= 0, got -0.5");
  EXPECT_EQ(error_of(doc(R"("settle_ms": 0)")), "chord.settle_ms: must be > 0, got 0");
}

TEST(ScenarioChordErrors, WrongTypes) {
  EXPECT_EQ(error_of(doc(R"("replication": "yes")")), "chord.replication: expected a boolean, got string");
  EXPECT_EQ(error_of(doc(R"("id_bits": 3.5)")), "chord.id_bits: expected an integer, got 3.5");
  EXPECT_EQ(error_of(doc(R"("stabilize_ms": "fast")")), "chord.stabilize_ms: expected a number, got string");
  EXPECT_EQ(error_of(R"({"name": "c", "chord": 3})"), "chord: expected an object, got number");
}

TEST(ScenarioChordErrors, UnknownValuesAndKeys) {
  EXPECT_EQ(error_of(doc(R"("mode": "flooding")")),
            "chord.mode: unknown value \"flooding\" (expected one of: iterative, recursive)");
  EXPECT_EQ(error_of(doc(R"("ring": "random")")),
            "chord.ring: unknown value \"random\" (expected one of: stable, join)");
  EXPECT_EQ(error_of(doc(R"("fingers": 3)")), "chord.fingers: unknown key");
}

TEST(ScenarioChordErrors, Combinations) {
  EXPECT_EQ(error_of(doc(R"("id_bits": 6)", 100)), "chord.id_bits: 2^id_bits must be >= peers (100), got 6");
  EXPECT_EQ(error_of(doc(R"("ring": "join", "stabilize_ms": 0)")),
            "chord.stabilize_ms: must be > 0 when chord.ring is \"join\" (the ring would never settle)");
  EXPECT_EQ(error_of(doc("", 100, R"("files": 10, "files_per_peer": 2)")),
            "content.files_per_peer: cannot be combined with files");
  EXPECT_EQ(error_of(doc("", 100, R"("files_per_peer": 0)")), "content.files_per_peer: must be > 0, got 0");
  EXPECT_EQ(error_of(doc("", 100, R"("files_per_peer": 200000)")),
            "content.files_per_peer * peers: must be <= 10000000, got 20000000");
}

TEST(ScenarioChordErrors, BadSweepValueNamesTheSweep) {
  EXPECT_EQ(error_of(R"({"name": "c", "sweep": {"chord.mode": ["iterative", "both"]}})"),
            "sweep.chord.mode[1]: unknown value \"both\" (expected one of: iterative, recursive)");
}

}  // namespace
}  // namespace zonal::sim
