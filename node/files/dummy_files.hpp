#pragma once
/// Demo mode: deterministic dummy files to share.
#include <cstdint>
#include <filesystem>
#include <string>

namespace zonal::node {

/// Write `count` files "dummy-<tag>-<i>.bin" of `bytes` pseudo-random bytes each into `dir`
/// (existing ones are kept); call at start when dummy.files > 0.
void make_dummy_files(const std::filesystem::path& dir, const std::string& tag, std::uint32_t count, std::uint64_t bytes);

}  // namespace zonal::node
