#include "dummy_files.hpp"

#include <string_view>
#include <vector>

#include "checked_file.hpp"

#include "zonal/rng.hpp"

namespace zonal::node {

void make_dummy_files(const std::filesystem::path& dir, const std::string& tag, std::uint32_t count, std::uint64_t bytes) {
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto path = dir / ("dummy-" + tag + "-" + std::to_string(i) + ".bin");
    if (std::filesystem::exists(path)) continue;
    const auto tmp = dir.parent_path() / "partial" / (path.filename().string() + ".dummy");
    CheckedFile out(tmp, CheckedFile::Mode::truncate);  // a full disk fails the start instead of sharing short files
    Rng rng(mix64(std::hash<std::string>{}(tag) ^ i));
    std::vector<std::uint64_t> block(8192);
    for (std::uint64_t left = bytes; left > 0;) {
      for (auto& w : block) w = rng.next();
      const auto n = std::min<std::uint64_t>(left, block.size() * 8);
      out.write(std::string_view(reinterpret_cast<const char*>(block.data()), static_cast<std::size_t>(n)));
      left -= n;
    }
    out.close();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw FileError(FileErrorKind::io, "cannot move " + tmp.string() + " into place: " + ec.message());
  }
}

}  // namespace zonal::node
