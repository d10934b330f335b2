/// zonal: command-line client of a running zonal-node (through its REST API).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "ca_commands.hpp"
#include "commands.hpp"
#include "events_command.hpp"
#include "interactive.hpp"
#include "zonal/settings.hpp"

int main(int argc, char** argv) {
  using namespace zonal::cli;
  using zonal::strategy_choices;
  CLI::App app{"zonal: talk to a running zonal-node. The node's REST address comes from --node, else $ZONAL_NODE, else 127.0.0.1:8701."};
  Target t;
  if (const char* env = std::getenv("ZONAL_NODE")) t.node = env;
  app.add_option("--node", t.node, "host:port of the node's REST API");
  app.add_flag("--json", t.json, "print the node's JSON answer instead of text");
  std::string token, data_dir = "zonal-data";
  if (const char* env = std::getenv("ZONAL_REST_TOKEN")) token = env;
  if (const char* env = std::getenv("ZONAL_DATA_DIR")) data_dir = env;
  double timeout_s = 30;
  app.add_option("--token", token, "the node's API token (default: $ZONAL_REST_TOKEN, else DATA_DIR/api-token)");
  app.add_option("--data-dir", data_dir, "the node's data directory, to read its api-token on the same host (default: $ZONAL_DATA_DIR, else zonal-data)");
  app.add_option("--timeout", timeout_s, "seconds to wait for the node's answer (0: no limit; default 30)")->check(CLI::Range(0.0, 86400.0));
  app.require_subcommand(1);
  std::string name, strategy;
  unsigned ttl = 0;
  auto* status = app.add_subcommand("status", "the node's id, zone, links and files");
  auto* peers = app.add_subcommand("peers", "peers known from the tracker's directory");
  auto* zones = app.add_subcommand("zones", "the zone directory");
  auto* files = app.add_subcommand("files", "files this node shares");
  auto* search = app.add_subcommand("search", "search the network for a file name");
  search->add_option("name", name, "file name")->required();
  search->add_option("--strategy", strategy, strategy_choices() + " (default: the node's)");
  search->add_option("--ttl", ttl, "hop limit " + zonal::setting::ttl.range_text() + " (default: the node's)")
      ->check(CLI::Range(zonal::setting::ttl.min, zonal::setting::ttl.max));
  std::string wait;
  search->add_option("--wait", wait, "first (default: answer at the first hit), all (the whole search window) or milliseconds");
  auto* get = app.add_subcommand("get", "search, download from the holders, verify SHA-256 and share");
  get->add_option("name", name, "file name")->required();
  get->add_option("--strategy", strategy, strategy_choices());
  auto* share = app.add_subcommand("share", "share a file: a local path is copied into the node's shared directory");
  share->add_option("path", name, "path of a file, or the name of a file already in the shared directory")->required();
  auto* upload = app.add_subcommand("upload", "send a shared file into the network (a copy goes to its home zone)");
  upload->add_option("name", name, "name of a file this node shares")->required();
  auto* interactive = app.add_subcommand("interactive", "menu-driven session");
  auto* ca = app.add_subcommand("ca", "the cluster's certificate authority (docs/security.md); no node needed");
  ca->require_subcommand(1);
  std::string ca_dir, out_dir;
  std::uint32_t days = 0;
  auto* ca_init = ca->add_subcommand("init", "create a new cluster CA (ca.pem, ca-key.pem) in DIR");
  ca_init->add_option("dir", ca_dir, "directory for the CA (created; existing CA files are never overwritten)")->required();
  ca_init->add_option("--days", days, "validity in days")->default_val(3650)->check(CLI::Range(1, 36500));
  auto* ca_issue = ca->add_subcommand("issue", "issue a node or tracker certificate signed by the CA in DIR");
  ca_issue->add_option("dir", ca_dir, "directory of the CA (zonal ca init)")->required();
  ca_issue->add_option("name", name, "identity: node-<id> (a node with peer id <id>) or tracker")->required();
  ca_issue->add_option("--out", out_dir, "directory for cert.pem, key.pem and ca.pem (e.g. DATA_DIR/tls)")->required();
  ca_issue->add_option("--days", days, "validity in days")->default_val(825)->check(CLI::Range(1, 36500));
  EventsOptions ev;
  auto* events = app.add_subcommand("events", "print the nodes' events from RabbitMQ (default: the durable queue file_notifications)");
  events->add_option("--amqp-url", ev.amqp_url, "broker URL")->capture_default_str();
  events->add_option("--queue", ev.queue, "durable queue to consume; each printed event is acknowledged (removed)")->capture_default_str();
  events->add_option("--bind", ev.bind, "instead: a private queue bound to --exchange with this pattern, e.g. '#' (every event from now on)");
  events->add_option("--exchange", ev.exchange, "topic exchange for --bind")->capture_default_str();
  events->add_option("--count", ev.count, "stop after this many events (0: never)");
  events->add_option("--idle-s", ev.idle_s, "stop after this many seconds without an event (0: never)");
  events->add_flag("--json", ev.json, "print raw JSON bodies");
  auto* ui = app.add_subcommand("ui", "print the URL of the node's web page (with its API token)");
  CLI11_PARSE(app, argc, argv);
  if (*ca_init) return cmd_ca_init(ca_dir, days, std::cout, std::cerr);
  if (*ca_issue) return cmd_ca_issue(ca_dir, name, out_dir, days, std::cout, std::cerr);
  t.call.timeout = std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  try {
    t.call.token = token.empty() ? read_api_token(data_dir) : token;
  } catch (const std::exception& e) {
    std::cerr << "zonal: " << e.what() << '\n';
    return 1;
  }
  if (*status) return cmd_status(t, std::cout);
  if (*peers) return cmd_peers(t, std::cout);
  if (*zones) return cmd_zones(t, std::cout);
  if (*files) return cmd_files(t, std::cout);
  if (*search) return cmd_search(t, name, strategy, ttl, std::cout, wait);
  if (*get) return cmd_get(t, name, strategy, std::cout);
  if (*share) return cmd_share(t, name, std::cout);
  if (*upload) return cmd_upload(t, name, std::cout);
  if (*interactive) return run_interactive(t, std::cin, std::cout);
  if (*events) return cmd_events(ev, std::cout);
  if (*ui) return cmd_ui(t, std::cout);
  return 2;
}
