#include "store_receiver.hpp"

#include "checked_file.hpp"

#include "safe_name.hpp"

namespace zonal::node {
namespace {

/// Releases the transfer reservation and removes the partial file unless committed.
class StoreGuard {
 public:
  StoreGuard(SharedDir& files, std::string name, std::filesystem::path partial)
      : m_files(files), m_name(std::move(name)), m_partial(std::move(partial)) {}
  ~StoreGuard() {
    std::error_code ec;
    if (!m_committed) std::filesystem::remove(m_partial, ec);
    m_files.end_transfer(m_name);
  }
  void commit() { m_committed = true; }

 private:
  SharedDir& m_files;
  std::string m_name;
  std::filesystem::path m_partial;
  bool m_committed = false;
};

}  // namespace

SharedFile receive_store(const std::function<bool(wire::StoreChunk&)>& next, SharedDir& files, std::uint64_t bytes_max) {
  wire::StoreChunk msg;
  if (!next(msg)) throw FileError(FileErrorKind::invalid, "store: empty stream (the first message must carry name, size and sha256)");
  if (auto p = file_name_problem(msg.name())) throw FileError(FileErrorKind::invalid, *p);
  const auto expected = digest_from_bytes(msg.sha256());
  if (!expected) throw FileError(FileErrorKind::invalid, "sha256: must be 32 bytes, got " + std::to_string(msg.sha256().size()));
  if (msg.size() > bytes_max)
    throw FileError(FileErrorKind::too_large, "size: " + std::to_string(msg.size()) + " bytes exceeds maximum " + std::to_string(bytes_max));
  const std::string name = msg.name();
  if (auto p = files.transfer_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  const std::uint64_t size = msg.size();
  if (!files.begin_transfer(name)) throw FileError(FileErrorKind::conflict, "a transfer of \"" + name + "\" is already running");
  const auto partial = files.partial_path(name, "store");
  StoreGuard guard(files, name, partial);
  CheckedFile out(partial, CheckedFile::Mode::truncate);
  Sha256 hash;
  std::uint64_t received = 0;
  do {
    if (received + msg.data().size() > size)
      throw FileError(FileErrorKind::invalid, "data: more than the announced " + std::to_string(size) + " bytes");
    out.write(msg.data());
    hash.update(msg.data());
    received += msg.data().size();
  } while (next(msg));
  if (received != size)
    throw FileError(FileErrorKind::invalid, "data: stream ended after " + std::to_string(received) + " of " + std::to_string(size) + " bytes");
  if (hash.finish() != *expected) throw FileError(FileErrorKind::corrupt, "sha256: content does not match the announced SHA-256");
  if (out.size_on_disk() != size)
    throw FileError(FileErrorKind::io, partial.string() + " holds " + std::to_string(out.size_on_disk()) + " of " + std::to_string(size) + " bytes");
  out.close();
  SharedFile f = files.adopt(partial, name, *expected);
  guard.commit();
  return f;
}

}  // namespace zonal::node
