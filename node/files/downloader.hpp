#pragma once
/// Downloads a shared file from its holders over Peer.FileInfo + Peer.Fetch: chunks land in
/// partial/<name>.download, the SHA-256 announced by the holder is checked, then the file is
/// renamed into the shared directory. A partial file is resumed from its length; a failed
/// stream continues from the same offset with the next holder. Blocking: run off the io thread.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "shared_dir.hpp"
#include "tls_config.hpp"
#include "zonal/types.hpp"

namespace zonal::node {

struct Holder {
  PeerId id = no_peer;
  std::string address;  ///< host:port of its Peer service
};

/// Which holder supplied which byte range.
struct DownloadSource {
  PeerId peer = no_peer;
  std::uint64_t from_offset = 0;
  std::uint64_t bytes = 0;
};

struct DownloadResult {
  SharedFile file;
  std::uint64_t resumed_from = 0;  ///< bytes already present in partial/ when the download started
  std::vector<DownloadSource> sources;
};

/// Called as a download advances: bytes present in the partial file, the file's size, and the
/// bytes this call just added (0 when only the total became known).
using DownloadProgress = std::function<void(std::uint64_t done, std::uint64_t total, std::uint64_t added)>;

/// More holders to try once every holder so far failed (e.g. those a running search found since);
/// an empty list ends the download.
using MoreHolders = std::function<std::vector<Holder>()>;

/// Download `name` from `holders` (in order) into `files`; throws FileError naming the cause
/// (bad name, no holder has it, every holder failed, SHA-256 mismatch, transfer already running).
/// Every RPC has a deadline: `timeout_ms` for FileInfo, plus one second per MiB for Fetch.
/// Channels use `tls` (a holder must present its own node certificate).
/// `progress` (optional) runs on the calling thread after the size is known and after every chunk;
/// `more` (optional) is asked for further holders when all given ones failed, and the transfer
/// continues from the same offset with them.
DownloadResult download_file(const std::string& name, std::vector<Holder> holders, SharedDir& files,
                             std::uint32_t timeout_ms, const TlsConfig& tls, const DownloadProgress& progress = {},
                             const MoreHolders& more = {});

}  // namespace zonal::node
