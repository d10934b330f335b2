#include "ca_commands.hpp"

#include <filesystem>

#include "certificates.hpp"
#include "checked_write.hpp"

namespace zonal::cli {
namespace fs = std::filesystem;

int cmd_ca_init(const std::string& dir, std::uint32_t days, std::ostream& out, std::ostream& err) {
  try {
    node::create_ca(dir, days);
  } catch (const std::exception& e) {
    err << "zonal ca init: " << e.what() << '\n';
    return 1;
  }
  out << "cluster CA created: " << (fs::path(dir) / node::ca_cert_file).string() << " (certificate, copy it to every node)\n"
      << "                    " << (fs::path(dir) / node::ca_key_file).string()
      << " (private key, mode 0600: keep it offline, never on a node)\n";
  return 0;
}

int cmd_ca_issue(const std::string& ca_dir, const std::string& name, const std::string& out_dir, std::uint32_t days,
                 std::ostream& out, std::ostream& err) {
  try {
    node::issue_identity(ca_dir, name, out_dir, days);
  } catch (const std::exception& e) {
    err << "zonal ca issue: " << e.what() << '\n';
    return 1;
  }
  const fs::path d(out_dir);
  out << "issued " << name << " (valid " << days << " days) into " << d.string() << ":\n"
      << "  --tls-ca " << (d / node::ca_cert_file).string() << " --tls-cert " << (d / node::identity_cert_file).string()
      << " --tls-key " << (d / node::identity_key_file).string() << '\n';
  return 0;
}

}  // namespace zonal::cli
