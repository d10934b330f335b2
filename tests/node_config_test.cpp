// Layered configuration of zonal-node / zonal-tracker: defaults < JSON file < ZONAL_* env < flags,
// with errors that name the key and where the bad value came from.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "node_config.hpp"
#include "tracker_config.hpp"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

/// Parse `args` (after the program name) with the node schema and return the config.
NodeConfig load(std::vector<std::string> args) {
  CLI::App app;
  ConfigLoader loader(node_schema(), "ZONAL_TEST_");
  loader.add_flags(app);
  std::vector<const char*> argv{"zonal-node"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return parse_node_config(loader.load());
}

std::string error_of(std::vector<std::string> args) {
  try {
    load(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

fs::path write_config(const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("zonal-config-test-" + std::to_string(::getpid()) + ".json");
  std::ofstream(p) << text;
  return p;
}

TEST(NodeConfig, DefaultsBindToLoopback) {
  const NodeConfig c = load({});
  EXPECT_EQ(c.grpc_bind, "127.0.0.1");
  EXPECT_EQ(c.rest_bind, "127.0.0.1");
  EXPECT_EQ(c.grpc_port, 7701);
  EXPECT_EQ(c.tracker_address, "127.0.0.1:7600");
  EXPECT_EQ(c.strategy, Strategy::zone_flood);
  EXPECT_FALSE(c.requested_id.has_value());
  EXPECT_FALSE(c.amqp_enabled);
}

TEST(NodeConfig, FileThenEnvThenFlags) {
  const auto file = write_config(R"({"grpc": {"port": 9001}, "rest": {"port": 9002}, "search": {"ttl": 5}, "overlay": {"neighbours": [3, 4]}})");
  ::setenv("ZONAL_TEST_REST_PORT", "9102", 1);
  const NodeConfig c = load({"--config", file.string(), "--search-ttl", "9", "--node-id", "12"});
  ::unsetenv("ZONAL_TEST_REST_PORT");
  EXPECT_EQ(c.grpc_port, 9001);  // file
  EXPECT_EQ(c.rest_port, 9102);  // env beats file
  EXPECT_EQ(c.ttl_hops, 9);      // flag beats file
  EXPECT_EQ(c.requested_id, 12u);
  EXPECT_EQ(c.overlay_neighbours, (std::vector<std::uint32_t>{3, 4}));
  fs::remove(file);
}

TEST(NodeConfig, WalkRingAndChordStrategies) {
  EXPECT_EQ(load({"--search-strategy", "random-walk"}).strategy, Strategy::random_walk);
  EXPECT_EQ(load({"--search-strategy", "expanding-ring"}).strategy, Strategy::expanding_ring);
  EXPECT_EQ(parse_strategy("random-walk"), Strategy::random_walk);
  EXPECT_EQ(parse_strategy("expanding-ring"), Strategy::expanding_ring);
  EXPECT_EQ(parse_strategy("chord"), Strategy::chord);
  EXPECT_EQ(error_of({"--search-strategy", "chord"}), "search.strategy: chord needs chord.enabled true (from flag --search-strategy)");
  EXPECT_EQ(load({"--search-strategy", "chord", "--chord-enabled", "true"}).strategy, Strategy::chord);
}

TEST(NodeConfig, ErrorsNameKeyAndSource) {
  EXPECT_EQ(error_of({"--grpc-port", "70000"}), "grpc.port: must be between 0 and 65535, got 70000 (from flag --grpc-port)");
  EXPECT_EQ(error_of({"--search-ttl", "11"}), "search.ttl: must be between 1 and 10, got 11 (from flag --search-ttl)");
  EXPECT_EQ(error_of({"--search-strategy", "gossip"}),
            "search.strategy: must be one of flood, zone-flood, random-walk, expanding-ring, chord, got \"gossip\" (from "
            "flag --search-strategy)");
  EXPECT_EQ(error_of({"--rest-port", "12ab"}), "rest.port: must be an unsigned integer, got \"12ab\" (from flag --rest-port)");
  EXPECT_EQ(error_of({"--overlay-neighbours", "[1,\"x\"]"}),
            "overlay.neighbours: element 1 must be a peer id below 4294967295, got \"x\" (from flag --overlay-neighbours)");
  ::setenv("ZONAL_TEST_AMQP_ENABLED", "maybe", 1);
  EXPECT_EQ(error_of({}), "amqp.enabled: must be true or false, got \"maybe\" (from env ZONAL_TEST_AMQP_ENABLED)");
  ::unsetenv("ZONAL_TEST_AMQP_ENABLED");
  const auto unknown = write_config(R"({"grpc": {"prot": 1}})");
  EXPECT_EQ(error_of({"--config", unknown.string()}), "grpc.prot: unknown key (from config file " + unknown.string() + ")");
  const auto typed = write_config(R"({"data_dir": 5})");
  EXPECT_EQ(error_of({"--config", typed.string()}), "data_dir: must be a string, got 5 (from config file " + typed.string() + ")");
  const auto broken = write_config("{not json");
  EXPECT_EQ(error_of({"--config", broken.string()}), "--config: " + broken.string() + " is not valid JSON");
  fs::remove(broken);
  EXPECT_EQ(error_of({"--config", "/nonexistent/zonal.json"}), "--config: cannot read /nonexistent/zonal.json");
}

TEST(NodeConfig, ChordDefaultsOffWithNodeFriendlyTimers) {
  const NodeConfig c = load({});
  EXPECT_FALSE(c.chord.enabled);
  EXPECT_EQ(c.chord.core.id_bits, 64);
  EXPECT_EQ(c.chord.core.successors, 8);
  EXPECT_EQ(c.chord.core.stabilize_interval_us, 1'000'000);
  EXPECT_EQ(c.chord.core.rpc_timeout_us, 500'000);
  EXPECT_EQ(c.chord.core.default_mode, ChordLookupMode::iterative);
  EXPECT_TRUE(c.chord.core.replication);
  EXPECT_EQ(c.chord.republish_us, 30'000'000);
  EXPECT_EQ(c.chord.core.record_ttl_us, 120'000'000);
  EXPECT_EQ(c.peer.record_ttl_us, 600'000'000);
}

TEST(NodeConfig, RecordLifetimesAreCheckedAgainstTheirRenewal) {
  EXPECT_EQ(load({"--zones-record-ttl-ms", "0"}).peer.record_ttl_us, 0);
  EXPECT_EQ(load({"--zones-record-ttl-ms", "3000"}).peer.record_ttl_us, 3'000'000);
  EXPECT_EQ(error_of({"--zones-record-ttl-ms", "2999"}).rfind("zones.record_ttl_ms: must be 0 (never) or at least 3000", 0), 0u);
  EXPECT_EQ(load({"--chord-republish-ms", "1000", "--chord-record-ttl-ms", "2000"}).chord.core.record_ttl_us, 2'000'000);
  EXPECT_EQ(error_of({"--chord-republish-ms", "1000", "--chord-record-ttl-ms", "1999"}).rfind("chord.record_ttl_ms: must be 0", 0), 0u);
  EXPECT_EQ(load({"--chord-republish-ms", "0"}).chord.core.record_ttl_us, 0);  // nothing would renew them
}

TEST(NodeConfig, ChordKeysFromFileEnvAndFlags) {
  const auto file = write_config(R"({"chord": {"enabled": true, "successors": 4, "mode": "recursive"}, "search": {"strategy": "chord"}})");
  ::setenv("ZONAL_TEST_CHORD_STABILIZE_MS", "250", 1);
  const NodeConfig c = load({"--config", file.string(), "--chord-id-bits", "32", "--chord-replication", "false",
                             "--chord-republish-ms", "0", "--chord-rpc-timeout-ms", "300"});
  ::unsetenv("ZONAL_TEST_CHORD_STABILIZE_MS");
  EXPECT_TRUE(c.chord.enabled);
  EXPECT_EQ(c.strategy, Strategy::chord);
  EXPECT_EQ(c.chord.core.successors, 4);
  EXPECT_EQ(c.chord.core.default_mode, ChordLookupMode::recursive);
  EXPECT_EQ(c.chord.core.stabilize_interval_us, 250'000);
  EXPECT_EQ(c.chord.core.id_bits, 32);
  EXPECT_FALSE(c.chord.core.replication);
  EXPECT_EQ(c.chord.republish_us, 0);
  EXPECT_EQ(c.chord.core.rpc_timeout_us, 300'000);
  fs::remove(file);
}

TEST(NodeConfig, EmulatedLatency) {
  EXPECT_EQ(load({}).net_latency_ms, 0u);
  EXPECT_EQ(load({"--net-latency-ms", "10000"}).net_latency_ms, 10000u);
  EXPECT_EQ(error_of({"--net-latency-ms", "10001"}), "net.latency_ms: must be between 0 and 10000, got 10001 (from flag --net-latency-ms)");
}

TEST(NodeConfig, ChordErrorsNameKeyAndSource) {
  EXPECT_EQ(error_of({"--search-strategy", "chord"}), "search.strategy: chord needs chord.enabled true (from flag --search-strategy)");
  EXPECT_EQ(error_of({"--chord-successors", "0"}), "chord.successors: must be between 1 and 32, got 0 (from flag --chord-successors)");
  EXPECT_EQ(error_of({"--chord-successors", "33"}), "chord.successors: must be between 1 and 32, got 33 (from flag --chord-successors)");
  EXPECT_EQ(error_of({"--chord-id-bits", "65"}), "chord.id_bits: must be between 1 and 64, got 65 (from flag --chord-id-bits)");
  EXPECT_EQ(error_of({"--chord-mode", "telepathic"}),
            "chord.mode: must be one of iterative, recursive, got \"telepathic\" (from flag --chord-mode)");
  EXPECT_EQ(error_of({"--chord-rpc-timeout-ms", "5"}), "chord.rpc_timeout_ms: must be between 10 and 60000, got 5 (from flag --chord-rpc-timeout-ms)");
  EXPECT_EQ(error_of({"--chord-enabled", "yes"}), "chord.enabled: must be true or false, got \"yes\" (from flag --chord-enabled)");
  const auto typed = write_config(R"({"chord": {"stabilize_ms": "fast"}})");
  EXPECT_EQ(error_of({"--config", typed.string()}),
            "chord.stabilize_ms: must be an unsigned integer, got \"fast\" (from config file " + typed.string() + ")");
  fs::remove(typed);
}

TEST(TrackerConfig, ExpiryMustExceedHeartbeat) {
  CLI::App app;
  ConfigLoader loader(tracker_schema(), "ZONAL_TEST_");
  loader.add_flags(app);
  const char* argv[] = {"zonal-tracker", "--heartbeat-ms", "500", "--expiry-ms", "400"};
  app.parse(5, argv);
  try {
    parse_tracker_config(loader.load());
    FAIL() << "accepted expiry <= heartbeat";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "expiry_ms: must be 0 or greater than heartbeat_ms (500), got 400 (from flag --expiry-ms)");
  }
}

}  // namespace
}  // namespace zonal::node
