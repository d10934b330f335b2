#include "downloader.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <optional>

#include "checked_file.hpp"
#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "hash_pipeline.hpp"
#include "grpc_status.hpp"
#include "safe_name.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

struct Expected {
  std::uint64_t size = 0;
  Digest sha256{};
};

/// One download in progress: the partial file, its running hash and where it stands.
class Transfer {
 public:
  Transfer(std::string name, fs::path partial) : m_name(std::move(name)), m_partial(std::move(partial)) {}

  /// Open the partial file for `expected`, keeping a usable prefix; returns the resume offset.
  std::uint64_t open(const Expected& expected) {
    std::error_code ec;
    std::uint64_t have = fs::exists(m_partial, ec) ? fs::file_size(m_partial, ec) : 0;
    if (have > expected.size) {
      fs::remove(m_partial, ec);
      have = 0;
    }
    if (have > 0) hash_prefix(m_hash, m_partial, have);
    m_hasher = std::make_unique<HashPipeline>(m_hash);
    m_out.emplace(m_partial, CheckedFile::Mode::append);
    m_offset = have;
    return have;
  }

  /// Append one chunk (its data is handed to the hashing thread); false (with `why`) when it
  /// does not continue the file or would take it past `size` (nothing of it is written then).
  bool append(wire::Chunk& c, std::uint64_t size, std::string& why) {
    if (c.offset() != m_offset) {
      why = "chunk at offset " + std::to_string(c.offset()) + ", expected " + std::to_string(m_offset);
      return false;
    }
    if (c.data().size() > size - m_offset) {
      why = "holder sent more than " + std::to_string(size) + " bytes";
      return false;
    }
    m_out->write(c.data());
    m_offset += c.data().size();
    m_hasher->push(std::move(*c.mutable_data()));
    return true;
  }

  /// Close the partial file (fsync and close checked; its size on disk must be what was
  /// written) and return the hash of the content.
  Digest finish() {
    if (m_out) {
      const std::uint64_t on_disk = m_out->size_on_disk();
      if (on_disk != m_offset)
        throw FileError(FileErrorKind::io, m_partial.string() + " holds " + std::to_string(on_disk) + " bytes after " +
                                               std::to_string(m_offset) + " were written");
      m_out->close();
      m_out.reset();
    }
    if (!m_hasher) return m_hash.finish();
    return m_hasher->finish();
  }
  std::uint64_t offset() const noexcept { return m_offset; }
  const fs::path& partial() const noexcept { return m_partial; }

 private:
  std::string m_name;
  fs::path m_partial;
  std::optional<CheckedFile> m_out;
  Sha256 m_hash;
  std::unique_ptr<HashPipeline> m_hasher;  ///< after open(): hashes what append() wrote
  std::uint64_t m_offset = 0;
};

std::optional<Expected> file_info(wire::Peer::Stub& stub, const std::string& name, std::uint32_t timeout_ms, std::string& why) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms);
  wire::FileInfoRequest req;
  req.set_name(name);
  wire::FileEntry entry;
  const grpc::Status s = stub.FileInfo(&ctx, req, &entry);
  if (!s.ok()) {
    why = s.error_message();
    return std::nullopt;
  }
  const auto digest = digest_from_bytes(entry.sha256());
  if (!digest) {
    why = "holder sent a malformed sha256";
    return std::nullopt;
  }
  return Expected{entry.size(), *digest};
}

/// Stream from `offset` until eof or failure; returns the empty string on success, else why it stopped.
std::string fetch_from(wire::Peer::Stub& stub, const std::string& name, Transfer& t, const Expected& e,
                       std::uint32_t timeout_ms, const DownloadProgress& progress) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms + static_cast<std::uint32_t>(std::min<std::uint64_t>((e.size >> 20) * 1000, 1u << 30)));
  wire::FetchRequest req;
  req.set_name(name);
  req.set_offset(t.offset());
  auto reader = stub.Fetch(&ctx, req);
  wire::Chunk chunk;
  std::string why;
  while (reader->Read(&chunk)) {
    const std::uint64_t added = chunk.data().size();
    if (!t.append(chunk, e.size, why)) {
      ctx.TryCancel();
      break;
    }
    if (progress) progress(t.offset(), e.size, added);
  }
  const grpc::Status s = reader->Finish();
  if (!why.empty()) return why;
  if (!s.ok()) return s.error_message();
  if (t.offset() != e.size) return "stream ended at " + std::to_string(t.offset()) + " of " + std::to_string(e.size) + " bytes";
  return {};
}

/// Releases the transfer reservation on every exit path.
struct Reservation {
  SharedDir& files;
  const std::string& name;
  ~Reservation() { files.end_transfer(name); }
};

/// Download into `transfer`; throws FileError. Local I/O errors leave a partial file behind
/// for the caller to delete.
DownloadResult download_into(Transfer& transfer, const std::string& name, std::vector<Holder> holders, SharedDir& files,
                             std::uint32_t timeout_ms, const TlsConfig& tls, const DownloadProgress& progress,
                             const MoreHolders& more) {
  std::optional<Expected> expected;
  DownloadResult result;
  std::string last_error;
  for (std::size_t i = 0;; ++i) {
    if (i == holders.size()) {
      std::vector<Holder> extra = more ? more() : std::vector<Holder>{};
      if (extra.empty()) break;
      holders.insert(holders.end(), extra.begin(), extra.end());
    }
    const Holder h = holders[i];
    auto stub = wire::Peer::NewStub(make_channel(h.address, tls, node_identity_name(h.id)));
    std::string why;
    const auto info = file_info(*stub, name, timeout_ms, why);
    if (!info) {
      last_error = "peer " + std::to_string(h.id) + ": " + why;
      spdlog::warn("download \"{}\": {}", name, last_error);
      continue;
    }
    if (!expected) {
      expected = info;
      result.resumed_from = transfer.open(*expected);
      if (progress) progress(result.resumed_from, expected->size, 0);
    } else if (info->sha256 != expected->sha256 || info->size != expected->size) {
      last_error = "peer " + std::to_string(h.id) + " holds different content under this name";
      spdlog::warn("download \"{}\": {}", name, last_error);
      continue;
    }
    const std::uint64_t from = transfer.offset();
    if (from < expected->size) why = fetch_from(*stub, name, transfer, *expected, timeout_ms, progress);
    result.sources.push_back(DownloadSource{h.id, from, transfer.offset() - from});
    if (why.empty()) break;
    last_error = "peer " + std::to_string(h.id) + ": " + why;
    spdlog::warn("download \"{}\" interrupted at byte {}: {}; trying the next holder", name, transfer.offset(), last_error);
  }
  if (!expected || transfer.offset() != expected->size) {
    transfer.finish();
    throw FileError(FileErrorKind::unavailable, "download of \"" + name + "\" failed: every holder failed (last: " + last_error +
                                                    "); the partial file is kept for resuming");
  }
  if (transfer.finish() != expected->sha256) {
    std::error_code ec;
    fs::remove(transfer.partial(), ec);
    throw FileError(FileErrorKind::corrupt, "download of \"" + name + "\" failed: content does not match its SHA-256 (partial file deleted)");
  }
  result.file = files.adopt(transfer.partial(), name, expected->sha256);
  return result;
}

}  // namespace

DownloadResult download_file(const std::string& name, std::vector<Holder> holders, SharedDir& files,
                             std::uint32_t timeout_ms, const TlsConfig& tls, const DownloadProgress& progress,
                             const MoreHolders& more) {
  if (auto p = file_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  if (auto p = files.transfer_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  if (holders.empty()) throw FileError(FileErrorKind::not_found, "no holder of \"" + name + "\" is known");
  if (!files.begin_transfer(name)) throw FileError(FileErrorKind::conflict, "a transfer of \"" + name + "\" is already running");
  Reservation reservation{files, name};
  const fs::path partial = files.partial_path(name, "download");
  try {
    Transfer transfer(name, partial);
    return download_into(transfer, name, std::move(holders), files, timeout_ms, tls, progress, more);
  } catch (const FileError& e) {
    if (e.kind != FileErrorKind::io) throw;
    std::error_code ec;  // a local write failed: what is on disk cannot be trusted for resuming
    fs::remove(partial, ec);
    throw FileError(FileErrorKind::io, std::string("download of \"") + name + "\" failed: " + e.what() + " (partial file deleted)");
  }
}

}  // namespace zonal::node
