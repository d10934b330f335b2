#pragma once
/// The tls.* settings shared by zonal-node and zonal-tracker: the cluster CA certificate, this
/// process's certificate and its key (PEM files, e.g. made by `zonal ca issue`). All three set:
/// every gRPC channel and server uses mutual TLS and callers are identified by certificate
/// (peer_identity.hpp). None set: plaintext, for loopback demos only (a loud warning otherwise).
#include <optional>
#include <string>

#include "settings.hpp"

namespace zonal::node {

struct TlsConfig {
  std::string ca_pem;    ///< tls.ca: certificates of peers must be signed by this CA
  std::string cert_pem;  ///< tls.cert: this process's certificate
  std::string key_pem;   ///< tls.key: its private key
  std::string identity;  ///< identity name in tls.cert ("node-17", "tracker"); empty without TLS

  /// True when mutual TLS is configured.
  bool enabled() const noexcept { return !cert_pem.empty(); }
};

/// The tls.ca, tls.cert and tls.key keys (append to a program's schema).
ConfigSchema tls_schema();

/// Read and check the tls.* files (all three or none; the certificate must be signed by the CA,
/// match the key and name a valid identity). Throws ConfigError naming the key.
TlsConfig parse_tls_config(const Settings& s);

}  // namespace zonal::node
