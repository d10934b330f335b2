#pragma once
/// The cluster's certificate authority and the certificates it issues (OpenSSL underneath).
/// A CA directory holds ca.pem (the CA certificate, public) and ca-key.pem (its key, 0600:
/// keep it off the nodes). An identity directory holds cert.pem, key.pem (0600) and ca.pem.
/// Keys are ECDSA P-256; certificates are X.509 v3 signed with SHA-256, usable for TLS client
/// and server authentication; the identity name (identity_name.hpp) is both the subject common
/// name and the one DNS subject-alternative name.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace zonal::node {

inline constexpr const char* ca_cert_file = "ca.pem";
inline constexpr const char* ca_key_file = "ca-key.pem";
inline constexpr const char* identity_cert_file = "cert.pem";
inline constexpr const char* identity_key_file = "key.pem";

/// A certificate or key operation that failed; what() says which file and why.
struct CertificateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Create a new cluster CA in `dir` (created if missing), valid `days` days; refuses to
/// overwrite an existing CA. Call once per cluster (`zonal ca init DIR`).
void create_ca(const std::filesystem::path& dir, std::uint32_t days);

/// Issue a key and certificate for identity `name` ("node-17", "tracker") signed by the CA in
/// `ca_dir`, valid `days` days, into `out_dir` (cert.pem, key.pem, ca.pem); refuses to overwrite
/// an existing identity. Call per node or tracker (`zonal ca issue DIR NAME --out DIR2`).
void issue_identity(const std::filesystem::path& ca_dir, const std::string& name, const std::filesystem::path& out_dir,
                    std::uint32_t days);

/// Check that `cert_pem` is signed by `ca_pem`, currently valid, matches `key_pem` and names a
/// valid identity; returns the identity name. Throws CertificateError naming the problem.
std::string check_identity(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem);

}  // namespace zonal::node
