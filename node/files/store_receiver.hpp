#pragma once
/// Receiving side of Peer.Store: header, data into a partial file, SHA-256 check, rename into place.
#include <cstdint>
#include <functional>

#include "shared_dir.hpp"
#include "zonal.pb.h"

namespace zonal::node {

/// Read a Store upload message by message through `next` (false at the end of the stream),
/// verify it, and adopt it into `files`. Throws FileError (invalid header, over `bytes_max`,
/// length or SHA-256 mismatch, transfer already running); nothing is left in partial/ on error.
SharedFile receive_store(const std::function<bool(wire::StoreChunk&)>& next, SharedDir& files, std::uint64_t bytes_max);

}  // namespace zonal::node
