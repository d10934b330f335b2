/// zonal-node: a real peer. Shares a directory, searches with the protocol core, moves files over gRPC.
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include "fd_limit.hpp"
#include "logging.hpp"
#include "program_main.hpp"
#include "amqp_publisher.hpp"
#include "node.hpp"

namespace {

using namespace zonal::node;

/// Block SIGINT/SIGTERM in every thread; the main thread collects them with sigwait.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int run(const NodeConfig& config) {
  const sigset_t signals = block_stop_signals();
  setup_logging("node", config.log_level);
  set_open_files_limit(config.limits.open_files);
  Node node(config);
  bool started = false;
  std::thread starter([&] {
    try {
      started = node.start();
    } catch (const std::exception& e) {
      spdlog::error("start failed: {}", e.what());
      ::kill(::getpid(), SIGTERM);  // wake the sigwait below
    }
  });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: leaving and shutting down", sig);
  node.interrupt();
  starter.join();
  node.stop();
  if (node.listener_lost()) spdlog::critical("exiting: the gRPC listener was lost");
  return started && !node.listener_lost() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return program_main(
      "zonal-node", "a zonal peer (shares data_dir/shared, searches, downloads).", node_schema(), argc, argv,
      [](const Settings& s) {
        NodeConfig config = parse_node_config(s);
        if (config.amqp_enabled) parse_amqp_url(config.amqp_url);
        return config;
      },
      run);
}
