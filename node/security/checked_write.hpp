#pragma once
/// Whole-file writes that never leave a half-written file: write a temporary file next to the
/// target, fsync it, rename it over the target, fsync the directory. Every step is checked.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zonal::node {

/// A write that failed; what() names the file and the failing step.
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Replace `path` by `data` atomically with permission bits `mode`; throws WriteError. Call for
/// keys, certificates and counters that must survive a crash intact.
void write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode);

/// Whole content of `path`; throws WriteError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace zonal::node
