#include "cluster.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <openssl/evp.h>

#include "certificates.hpp"
#include "checked_write.hpp"
#include "http_client.hpp"
#include "identity_name.hpp"
#include "time_scale.hpp"

namespace zonal::test {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string tail_of(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

Process::Process(const std::string& exe, const std::vector<std::string>& args, const fs::path& log) : m_log(log) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  // Everything the child needs is prepared before fork: between fork and exec the child may only
  // make async-signal-safe calls (no malloc), since other threads of this process may hold locks.
  std::vector<char*> argv{const_cast<char*>(exe.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  sigset_t none;
  sigemptyset(&none);
  const pid_t parent = ::getpid();
  m_pid = ::fork();
  if (m_pid < 0) throw std::runtime_error("fork failed");
  if (m_pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  ::close(err);
  m_stdout = pipefd[0];
}

Process::~Process() {
  if (running()) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
  }
  if (m_stdout >= 0) ::close(m_stdout);
}

json Process::wait_ready(std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{m_stdout, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char c;
    const auto n = ::read(m_stdout, &c, 1);
    if (n <= 0) break;
    if (c != '\n') {
      line += c;
      continue;
    }
    const json j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("event", "") == "ready") return j;
    line.clear();
  }
  throw std::runtime_error("process " + std::to_string(m_pid) + " not ready; log tail:\n" + tail_of(m_log));
}

void Process::signal(int sig) {
  if (running()) ::kill(m_pid, sig);
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  if (m_exited) return m_status;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exited = true;
      m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return m_status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

Cluster::Cluster(const std::string& name, std::optional<bool> tls) {
  m_dir = fs::temp_directory_path() / ("zonal-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(m_dir);
  fs::create_directories(m_dir);
  const char* plain = std::getenv("ZONAL_TEST_PLAINTEXT");
  m_tls = tls.value_or(plain == nullptr || std::string(plain) != "1");
  if (m_tls) node::create_ca(ca_dir(), 30);
}

std::vector<std::string> Cluster::tls_args(const std::string& name, const fs::path& dir) {
  if (!m_tls) return {};
  if (!fs::exists(dir / node::identity_cert_file)) node::issue_identity(ca_dir(), name, dir, 30);
  return {"--tls-ca", (dir / node::ca_cert_file).string(), "--tls-cert", (dir / node::identity_cert_file).string(),
          "--tls-key", (dir / node::identity_key_file).string()};
}

node::TlsConfig Cluster::client_tls(const std::string& name) {
  if (!m_tls) return {};
  const fs::path dir = m_dir / "identities" / name;
  tls_args(name, dir);
  node::TlsConfig t;
  t.ca_pem = node::read_file(dir / node::ca_cert_file);
  t.cert_pem = node::read_file(dir / node::identity_cert_file);
  t.key_pem = node::read_file(dir / node::identity_key_file);
  t.identity = name;
  return t;
}

Cluster::~Cluster() {
  m_nodes.clear();
  m_tracker.reset();
  if (std::getenv("ZONAL_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
}

void Cluster::start_tracker(const std::vector<std::string>& args) {
  m_tracker_args = args;
  std::vector<std::string> all{"--grpc-port", std::to_string(m_tracker_port), "--http-port", "0"};
  const auto tls = tls_args("tracker", m_dir / "tls" / "tracker");
  all.insert(all.end(), tls.begin(), tls.end());
  all.insert(all.end(), args.begin(), args.end());
  m_tracker = std::make_unique<Process>(ZONAL_TRACKER_EXE, all, m_dir / "tracker.log");
  const json ready = m_tracker->wait_ready(scaled(std::chrono::seconds(10)));
  m_tracker_port = ready["grpc_port"];
  m_tracker_http_port = ready.value("http_port", 0);
}

void Cluster::kill_tracker() {
  m_tracker->signal(SIGKILL);
  m_tracker->wait_exit(scaled(std::chrono::seconds(5)));
}

void Cluster::restart_tracker() { start_tracker(m_tracker_args); }

void Cluster::spawn_node(NodeHandle& h, std::size_t index) {
  std::vector<std::string> all{"--grpc-port", std::to_string(h.grpc_port), "--rest-port", "0", "--client-port", "0",
                               "--data-dir", h.data_dir.string(), "--tracker-address", tracker_address()};
  if (std::find(h.args.begin(), h.args.end(), "--log-level") == h.args.end()) all.insert(all.end(), {"--log-level", "debug"});
  std::uint32_t id = static_cast<std::uint32_t>(index);
  for (std::size_t a = 0; a + 1 < h.args.size(); ++a)
    if (h.args[a] == "--node-id") id = static_cast<std::uint32_t>(std::stoul(h.args[a + 1]));
  const auto tls = tls_args(node::node_identity_name(id), h.data_dir / "tls");
  all.insert(all.end(), tls.begin(), tls.end());
  if (h.grpc_port != 0 && std::find(h.args.begin(), h.args.end(), "--node-id") == h.args.end())
    all.insert(all.end(), {"--node-id", std::to_string(h.id)});  // a restart keeps its id (plaintext: asks for it)
  all.insert(all.end(), h.args.begin(), h.args.end());
  if (h.grpc_port != 0) all.insert(all.end(), {"--grpc-port", std::to_string(h.grpc_port)});  // a restart: its old place
  h.process = std::make_unique<Process>(ZONAL_NODE_EXE, all, h.log);
  const json ready = h.process->wait_ready(scaled(std::chrono::seconds(15)));
  h.id = ready["id"];
  h.grpc_port = ready["grpc_port"];
  h.rest_port = ready["rest_port"];
  h.client_port = ready.value("client_port", 0);
}

std::size_t Cluster::start_node(const std::vector<std::string>& args) {
  auto h = std::make_unique<NodeHandle>();
  const std::size_t index = m_nodes.size();
  h->data_dir = m_dir / ("node" + std::to_string(index));
  h->args = args;
  h->log = m_dir / ("node" + std::to_string(index) + ".log");
  spawn_node(*h, index);
  m_nodes.push_back(std::move(h));
  return index;
}

void Cluster::restart_node(std::size_t i) {
  if (node(i).process->running()) throw std::runtime_error("restart_node: node " + std::to_string(i) + " is still running");
  spawn_node(node(i), i);
}

void Cluster::stop_node(std::size_t i, int sig) {
  node(i).process->signal(sig);
  node(i).process->wait_exit(scaled(std::chrono::seconds(10)));
}

HttpReply Cluster::rest(std::size_t i, const std::string& method, const std::string& target, const json& body) {
  const auto r = cli::http_call("127.0.0.1:" + std::to_string(node(i).rest_port), method, target, body,
                                cli::CallOptions{cli::read_api_token(node(i).data_dir), std::chrono::minutes(5)});
  return HttpReply{r.status, r.body};
}

void Cluster::wait_settled(std::uint32_t zones, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<std::uint64_t> epoch;
    bool settled = true;
    for (std::size_t i = 0; i < m_nodes.size() && settled; ++i) {
      if (!node(i).process->running()) continue;
      const auto s = rest(i, "GET", "/api/status").body;
      last = s.dump();
      settled = s["zone_count"] == zones && (!epoch || *epoch == s["epoch"].get<std::uint64_t>());
      epoch = s["epoch"].get<std::uint64_t>();
    }
    if (settled) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("cluster did not settle on " + std::to_string(zones) + " zones; last status " + last);
}

std::string Cluster::share_random(std::size_t i, const std::string& name, std::size_t bytes, std::uint64_t seed) {
  std::string data(bytes, '\0');
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (auto& c : data) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  std::ofstream(node(i).shared_dir() / name, std::ios::binary) << data;
  const auto r = rest(i, "POST", "/api/share", {{"name", name}});
  if (r.status != 200) throw std::runtime_error("share failed: " + r.body.dump());
  return r.body["sha256"];
}

std::string sha256_hex_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += digits[md[i] >> 4], out += digits[md[i] & 15];
  return out;
}

}  // namespace zonal::test
