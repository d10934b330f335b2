#include "sha256.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <vector>

namespace zonal::node {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>()) {
  if (m_ctx->md == nullptr || EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sha256: OpenSSL EVP initialisation failed");
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const std::uint8_t> bytes) { EVP_DigestUpdate(m_ctx->md, bytes.data(), bytes.size()); }

void Sha256::update(std::string_view bytes) { EVP_DigestUpdate(m_ctx->md, bytes.data(), bytes.size()); }

Digest Sha256::finish() {
  Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_ctx->md, d.data(), &len);
  return d;
}

void hash_prefix(Sha256& hash, const std::filesystem::path& path, std::uint64_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<char> buf(1 << 20);
  while (bytes > 0) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(bytes, buf.size()));
    in.read(buf.data(), want);
    if (in.gcount() != want) throw std::runtime_error("short read from " + path.string());
    hash.update(std::string_view(buf.data(), static_cast<std::size_t>(want)));
    bytes -= static_cast<std::uint64_t>(want);
  }
}

Digest sha256_file(const std::filesystem::path& path) {
  Sha256 hash;
  hash_prefix(hash, path, std::filesystem::file_size(path));
  return hash.finish();
}

std::string to_hex(const Digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::optional<Digest> digest_from_bytes(std::string_view raw) {
  if (raw.size() != 32) return std::nullopt;
  Digest d{};
  std::memcpy(d.data(), raw.data(), 32);
  return d;
}

}  // namespace zonal::node
