#include "private_broker.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace zonal::test {
namespace fs = std::filesystem;

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("cannot find a free loopback port");
  ::close(fd);
  return ntohs(a.sin_port);
}

PrivateBroker::PrivateBroker(fs::path dir) : m_dir(std::move(dir)) {
  fs::create_directories(m_dir);
  static int counter = 0;
  m_nodename = "zonal-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "@localhost";
  m_port = free_loopback_port();
  do m_dist_port = free_loopback_port(); while (m_dist_port == m_port);
  std::ofstream(m_dir / "enabled_plugins") << "[].\n";  // no management or other listeners
  std::ofstream(m_dir / "rabbitmq.conf") << "listeners.tcp.1 = 127.0.0.1:" << m_port << "\n"
                                          << "loopback_users.guest = true\n";
}

PrivateBroker::~PrivateBroker() {
  if (m_process && m_process->running()) {
    m_process->signal(SIGKILL);
    m_process->wait_exit(std::chrono::seconds(10));
  }
}

std::string PrivateBroker::url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(m_port) + "/"; }

bool PrivateBroker::accepts_login() const {
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  timeval timeout{2, 0};
  amqp_set_rpc_timeout(conn, &timeout);
  bool ok = socket != nullptr && amqp_socket_open_noblock(socket, "127.0.0.1", m_port, &timeout) == AMQP_STATUS_OK &&
            amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type == AMQP_RESPONSE_NORMAL;
  if (ok) amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
  return ok;
}

void PrivateBroker::start(std::chrono::seconds timeout) {
  const std::string d = m_dir.string();
  const std::vector<std::string> args{
      "HOME=" + d,  // its own Erlang cookie
      "RUNNING_UNDER_SYSTEMD=1",  // exec the VM directly: this child is the broker (SIGTERM: clean stop)
      "RABBITMQ_NODENAME=" + m_nodename,
      "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
      "RABBITMQ_NODE_PORT=" + std::to_string(m_port),
      "RABBITMQ_DIST_PORT=" + std::to_string(m_dist_port),
      "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
      "RABBITMQ_MNESIA_BASE=" + d + "/mnesia",
      "RABBITMQ_LOG_BASE=" + d + "/log",
      "RABBITMQ_LOGS=" + d + "/rabbit.log",
      "RABBITMQ_PID_FILE=" + d + "/rabbit.pid",
      "RABBITMQ_CONFIG_FILE=" + d + "/rabbitmq.conf",
      "RABBITMQ_ADVANCED_CONFIG_FILE=" + d + "/advanced.config",
      "RABBITMQ_ENABLED_PLUGINS_FILE=" + d + "/enabled_plugins",
      "RABBITMQ_CONF_ENV_FILE=" + d + "/rabbitmq-env.conf",
      "/usr/lib/rabbitmq/bin/rabbitmq-server"};
  m_process = std::make_unique<Process>("/usr/bin/env", args, m_dir / "stdout-stderr.log");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!m_process->running() || m_process->wait_exit(std::chrono::milliseconds(0))) break;
    if (accepts_login()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::ifstream log(m_dir / "rabbit.log");
  std::stringstream tail;
  tail << log.rdbuf();
  std::string text = tail.str();
  if (text.size() > 3000) text = text.substr(text.size() - 3000);
  throw std::runtime_error("private RabbitMQ on port " + std::to_string(m_port) + " did not accept logins in time; log tail:\n" + text);
}

void PrivateBroker::kill() {
  if (!m_process || !m_process->running()) return;
  m_process->signal(SIGKILL);
  m_process->wait_exit(std::chrono::seconds(30));
}

void PrivateBroker::stop() {
  if (!m_process || !m_process->running()) return;
  m_process->signal(SIGTERM);
  if (!m_process->wait_exit(std::chrono::seconds(90))) {
    m_process->signal(SIGKILL);
    m_process->wait_exit(std::chrono::seconds(10));
  }
}

}  // namespace zonal::test
