#pragma once
/// `zonal ca init DIR` and `zonal ca issue DIR NAME --out DIR2`: the cluster CA and the node and
/// tracker certificates (node/security/certificates.hpp; docs/security.md).
#include <cstdint>
#include <ostream>
#include <string>

namespace zonal::cli {

/// Create a cluster CA in `dir`; prints what was written. Exit status 0, or 1 with the reason on `err`.
int cmd_ca_init(const std::string& dir, std::uint32_t days, std::ostream& out, std::ostream& err);
/// Issue identity `name` ("node-<id>" or "tracker") from the CA in `ca_dir` into `out_dir`.
int cmd_ca_issue(const std::string& ca_dir, const std::string& name, const std::string& out_dir, std::uint32_t days,
                 std::ostream& out, std::ostream& err);

}  // namespace zonal::cli
