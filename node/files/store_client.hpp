#pragma once
/// Sending side of Peer.Store: upload one shared file to another peer.
#include <cstdint>
#include <string>

#include "downloader.hpp"

namespace zonal::node {

/// Upload the shared file `file` to `target`, which verifies and shares it; returns the target's
/// peer id. Throws FileError relaying the target's status. Deadline: `timeout_ms` + 1 s per MiB.
/// Channels use `tls` (the target must present its own node certificate).
PeerId store_file(const SharedFile& file, const SharedDir& files, const Holder& target, std::uint32_t chunk_bytes,
                  std::uint32_t timeout_ms, const TlsConfig& tls);

}  // namespace zonal::node
