#pragma once
/// Test harness for real processes on loopback: spawns zonal-tracker / zonal-node with OS-chosen
/// ports, waits for their JSON ready line, talks REST to nodes, and kills every process it started
/// (children also die with the test through PR_SET_PDEATHSIG). Each Cluster has its own temp dir.
/// By default every cluster runs mutual TLS: it creates its own CA (tls/ca) and issues each
/// process a certificate (the tracker "tracker", node i "node-<id>" in DATA_DIR/tls, the id being
/// --node-id when given, else the node's index). ZONAL_TEST_PLAINTEXT=1 runs the suite without.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tls_config.hpp"

namespace zonal::test {

/// One child process; SIGKILLed and reaped on destruction unless already gone.
class Process {
 public:
  /// Start `exe` with `args`, stdout to a pipe (for the ready line), stderr to `log`.
  Process(const std::string& exe, const std::vector<std::string>& args, const std::filesystem::path& log);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// Wait up to `timeout` for the JSON ready line; throws std::runtime_error (with the log's tail) otherwise.
  nlohmann::json wait_ready(std::chrono::milliseconds timeout);
  /// Send `sig`.
  void signal(int sig);
  /// Wait up to `timeout` for exit; returns the exit status (or 128 + signal), nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  pid_t pid() const noexcept { return m_pid; }
  bool running() const noexcept { return m_pid > 0 && !m_exited; }

 private:
  pid_t m_pid = -1;
  int m_stdout = -1;
  bool m_exited = false;
  int m_status = 0;
  std::filesystem::path m_log;
};

struct HttpReply {
  int status = 0;
  nlohmann::json body;
};

struct NodeHandle {
  std::uint32_t id = 0;
  std::uint16_t grpc_port = 0;
  std::uint16_t rest_port = 0;
  std::uint16_t client_port = 0;  ///< the Client gRPC service (applications)
  std::filesystem::path data_dir;
  std::vector<std::string> args;  ///< extra arguments it was started with (for restarts)
  std::filesystem::path log;      ///< its stderr
  std::unique_ptr<Process> process;
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port); }
  std::string client_address() const { return "127.0.0.1:" + std::to_string(client_port); }
  std::filesystem::path shared_dir() const { return data_dir / "shared"; }
};

class Cluster {
 public:
  /// Temp dir named after `name` (removed on destruction unless ZONAL_KEEP_TEST_DIRS is set);
  /// mutual TLS unless `tls` is false (default: on, unless ZONAL_TEST_PLAINTEXT=1).
  explicit Cluster(const std::string& name, std::optional<bool> tls = std::nullopt);
  ~Cluster();

  /// Start the tracker with `args` added (port 0); restarts reuse the last port.
  void start_tracker(const std::vector<std::string>& args = {});
  /// SIGKILL the tracker.
  void kill_tracker();
  /// Start the tracker again on the same port with the same arguments.
  void restart_tracker();
  /// Start one node with `args` added; waits for its ready line; returns its index.
  std::size_t start_node(const std::vector<std::string>& args = {});
  /// Send `sig` to node `i` and (for SIGKILL/SIGTERM) wait for it to exit.
  void stop_node(std::size_t i, int sig);
  /// Start node `i` again (after stop_node) with its data dir, certificate, arguments, id and gRPC
  /// port (its old place in the network); waits for ready.
  void restart_node(std::size_t i);

  /// True when the cluster runs mutual TLS.
  bool tls() const noexcept { return m_tls; }
  /// Certificate, key and CA of identity `name` ("node-7", "tracker") issued by this cluster's
  /// CA (on first use, under dir()/identities); empty (plaintext) when the cluster has no TLS.
  /// Call to make an independent client, e.g. a malicious member with a valid certificate.
  node::TlsConfig client_tls(const std::string& name);
  /// Directory of this cluster's CA (ca.pem, ca-key.pem); empty without TLS.
  std::filesystem::path ca_dir() const { return m_tls ? m_dir / "tls" / "ca" : std::filesystem::path(); }

  NodeHandle& node(std::size_t i) { return *m_nodes.at(i); }
  std::size_t size() const noexcept { return m_nodes.size(); }
  std::uint16_t tracker_port() const noexcept { return m_tracker_port; }
  /// The tracker's HTTP listener (/metrics, /healthz, /readyz).
  std::uint16_t tracker_http_port() const noexcept { return m_tracker_http_port; }
  std::string tracker_address() const { return "127.0.0.1:" + std::to_string(m_tracker_port); }
  const std::filesystem::path& dir() const noexcept { return m_dir; }

  /// REST call to node `i`; the body is parsed JSON.
  HttpReply rest(std::size_t i, const std::string& method, const std::string& target, const nlohmann::json& body = nullptr);
  /// Wait until every running node reports the same epoch and `zones` zones; throws on timeout
  /// (every deadline of the harness is stretched by time_scale()).
  void wait_settled(std::uint32_t zones, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Write `bytes` of seeded pseudo-random data into node i's shared dir as `name` and share it via REST.
  std::string share_random(std::size_t i, const std::string& name, std::size_t bytes, std::uint64_t seed);

 private:
  std::vector<std::string> tls_args(const std::string& name, const std::filesystem::path& dir);
  void spawn_node(NodeHandle& h, std::size_t index);

  std::filesystem::path m_dir;
  bool m_tls = true;
  std::unique_ptr<Process> m_tracker;
  std::vector<std::string> m_tracker_args;
  std::uint16_t m_tracker_port = 0;
  std::uint16_t m_tracker_http_port = 0;
  std::vector<std::unique_ptr<NodeHandle>> m_nodes;
};

/// SHA-256 (hex) of a file, for checking downloads independently of the node's own hashing.
std::string sha256_hex_of(const std::filesystem::path& file);

}  // namespace zonal::test
