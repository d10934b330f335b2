#pragma once
/// SHA-256 through OpenSSL's EVP interface, incremental and of whole files.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace zonal::node {

using Digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256; feed bytes with update(), read the digest once with finish().
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /// Hash `bytes` next.
  void update(std::span<const std::uint8_t> bytes);
  /// Hash the characters of `bytes` next.
  void update(std::string_view bytes);
  /// The digest of everything fed so far; call once.
  Digest finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
};

/// SHA-256 of the whole file at `path`. Throws std::runtime_error when unreadable.
Digest sha256_file(const std::filesystem::path& path);

/// Feed the first `bytes` of `path` into `hash`; throws std::runtime_error when unreadable or short.
void hash_prefix(Sha256& hash, const std::filesystem::path& path, std::uint64_t bytes);

/// Lower-case hex of a digest.
std::string to_hex(const Digest& d);

/// Digest from 32 raw bytes; nullopt when the size is wrong.
std::optional<Digest> digest_from_bytes(std::string_view raw);

}  // namespace zonal::node
