#include "tls_config.hpp"

#include "certificates.hpp"
#include "checked_write.hpp"

namespace zonal::node {

ConfigSchema tls_schema() {
  return {
      {"tls.ca", "", "PEM file of the cluster CA certificate (with tls.cert and tls.key: mutual TLS on every gRPC channel)"},
      {"tls.cert", "", "PEM file of this process's certificate, signed by tls.ca (zonal ca issue)"},
      {"tls.key", "", "PEM file of the private key of tls.cert (keep it mode 0600)"},
  };
}

TlsConfig parse_tls_config(const Settings& s) {
  const std::string ca = s.get_string("tls.ca", true);
  const std::string cert = s.get_string("tls.cert", true);
  const std::string key = s.get_string("tls.key", true);
  if (ca.empty() && cert.empty() && key.empty()) return {};
  for (const char* k : {"tls.ca", "tls.cert", "tls.key"})
    if (s.get_string(k, true).empty()) s.fail(k, "must be set when any of tls.ca, tls.cert, tls.key is set");
  TlsConfig t;
  const auto load = [&](const char* k, const std::string& path) {
    try {
      return read_file(path);
    } catch (const WriteError& e) {
      s.fail(k, e.what());
    }
  };
  t.ca_pem = load("tls.ca", ca);
  t.cert_pem = load("tls.cert", cert);
  t.key_pem = load("tls.key", key);
  try {
    t.identity = check_identity(t.ca_pem, t.cert_pem, t.key_pem);
  } catch (const CertificateError& e) {
    const std::string what = e.what();
    const std::string k = what.rfind("tls.", 0) == 0 ? what.substr(0, what.find(':')) : "tls.cert";
    s.fail(k, what.substr(what.find(':') == std::string::npos ? 0 : what.find(':') + 2));
  }
  return t;
}

}  // namespace zonal::node
