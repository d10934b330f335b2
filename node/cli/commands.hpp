#pragma once
/// The `zonal` client's commands: each calls the node's REST API and prints a readable result.
#include <ostream>
#include <string>

#include "http_client.hpp"

namespace zonal::cli {

struct Target {
  std::string node = "127.0.0.1:8701";  ///< host:port of the node's REST API
  bool json = false;                     ///< print raw JSON instead of text
  CallOptions call;                      ///< API token and timeout of every request
};

/// Each returns the process exit status (0 ok, 1 the node reported an error or is unreachable).
int cmd_status(const Target& t, std::ostream& out);
int cmd_peers(const Target& t, std::ostream& out);
int cmd_zones(const Target& t, std::ostream& out);
int cmd_files(const Target& t, std::ostream& out);
int cmd_search(const Target& t, const std::string& name, const std::string& strategy, unsigned ttl, std::ostream& out,
               const std::string& wait = {});
int cmd_get(const Target& t, const std::string& name, const std::string& strategy, std::ostream& out);
/// Share `path_or_name`: a local file path is copied into the node's shared directory first.
int cmd_share(const Target& t, const std::string& path_or_name, std::ostream& out);
int cmd_upload(const Target& t, const std::string& name, std::ostream& out);
/// Print the web page's URL, http://NODE/#token=TOKEN with the token the CLI resolved (--token, else
/// $ZONAL_REST_TOKEN, else DATA_DIR/api-token); checks the node answers.
int cmd_ui(const Target& t, std::ostream& out);

}  // namespace zonal::cli
