#pragma once
/// The process's file-descriptor limit (RLIMIT_NOFILE).
#include <cstdint>
#include <string>

namespace zonal::node {

/// Set the soft RLIMIT_NOFILE to `wanted`, capped at the hard limit; returns the limit now in
/// force. Call once at start, before opening sockets; logs what it did.
std::uint64_t set_open_files_limit(std::uint64_t wanted);

}  // namespace zonal::node
