#include "study/run_table.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "zonal/hash.hpp"

namespace zonal::sim {
namespace {

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Parse a whole decimal number; nullopt-like false when `text` is not one.
bool parse_index(std::string_view text, std::size_t& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end;
}

/// FNV-1a of a file's bytes ("" when unreadable: loading it reports that); edge lists enter the
/// run identity by content, so an edited file is never mistaken for the one a run used.
std::string content_hash(const std::filesystem::path& file, std::map<std::filesystem::path, std::string>& cache) {
  const auto [it, fresh] = cache.try_emplace(file);
  if (fresh) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    it->second = in ? hex64(file_key(bytes.str())) : std::string();
  }
  return it->second;
}

std::string range_text(std::size_t total) {
  return total == 0 ? std::string("there are no runs") : "runs are 0 to " + std::to_string(total - 1);
}

}  // namespace

std::vector<PlannedRun> plan_run_table(const ScenarioPlan& plan, const std::string& version) {
  std::vector<PlannedRun> table;
  table.reserve(plan.runs.size() * plan.replications);
  std::map<std::filesystem::path, std::string> file_hashes;
  for (std::size_t point = 0; point < plan.runs.size(); ++point) {
    const Scenario& sc = plan.runs[point].scenario;
    std::string resolved = plan.runs[point].document.dump();
    if (sc.topology.kind == TopologyKind::edge_list) resolved += "\nedges=" + content_hash(sc.topology.file, file_hashes);
    for (std::uint32_t r = 0; r < plan.replications; ++r) {
      PlannedRun run;
      run.index = table.size();
      run.point = point;
      run.replication = r;
      run.seed = replication_seed(plan.seed, r);
      run.config_hash =
          hex64(file_key(resolved + "\nseed=" + std::to_string(run.seed) + "\nzonal=" + version));
      table.push_back(std::move(run));
    }
  }
  return table;
}

std::vector<std::size_t> parse_run_selection(const std::string& text, std::size_t total) {
  std::vector<std::size_t> picked;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    std::size_t lo = 0, hi = 0;
    const bool ok = dash == std::string::npos
                        ? parse_index(part, lo) && (hi = lo, true)
                        : parse_index(std::string_view(part).substr(0, dash), lo) &&
                              parse_index(std::string_view(part).substr(dash + 1), hi);
    if (!ok) throw std::invalid_argument("\"" + part + "\": expected a run number or a range such as 5-7");
    if (lo > hi) throw std::invalid_argument("\"" + part + "\": the range is empty (first > last)");
    if (hi >= total) throw std::invalid_argument("\"" + part + "\": no such run (" + range_text(total) + ")");
    for (std::size_t i = lo; i <= hi; ++i) picked.push_back(i);
    start = comma + 1;
  }
  std::sort(picked.begin(), picked.end());
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

std::vector<std::size_t> parse_shard(const std::string& text, std::size_t total) {
  const std::size_t slash = text.find('/');
  std::size_t i = 0, n = 0;
  if (slash == std::string::npos || !parse_index(std::string_view(text).substr(0, slash), i) ||
      !parse_index(std::string_view(text).substr(slash + 1), n) || n == 0 || i >= n) {
    throw std::invalid_argument("\"" + text + "\": expected I/N with 0 <= I < N, e.g. 0/4");
  }
  std::vector<std::size_t> picked;
  for (std::size_t k = i; k < total; k += n) picked.push_back(k);
  return picked;
}

std::string run_dir_name(std::size_t index, std::size_t total) {
  const std::size_t width = std::max<std::size_t>(4, std::to_string(total == 0 ? 0 : total - 1).size());
  std::string digits = std::to_string(index);
  return std::string(width > digits.size() ? width - digits.size() : 0, '0') + digits;
}

}  // namespace zonal::sim
