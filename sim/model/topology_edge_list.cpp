/// SNAP edge-list loading: "# comment" lines, blank lines, and "from<whitespace>to" lines.
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "model/topology.hpp"

namespace zonal::sim {
namespace {

/// Assigns dense peer ids to external node ids in first-appearance order.
class LabelMap {
 public:
  PeerId dense(std::uint64_t label) {
    const auto [it, inserted] = m_index.try_emplace(label, static_cast<PeerId>(m_labels.size()));
    if (inserted) {
      if (m_labels.size() >= std::numeric_limits<PeerId>::max() - 1) throw TopologyError("edge list: too many nodes");
      m_labels.push_back(label);
    }
    return it->second;
  }
  std::vector<std::uint64_t> take_labels() { return std::move(m_labels); }
  std::size_t size() const noexcept { return m_labels.size(); }

 private:
  std::unordered_map<std::uint64_t, PeerId> m_index;
  std::vector<std::uint64_t> m_labels;
};

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// Parse one unsigned id at the front of `s` and consume it plus following blanks.
bool take_id(std::string_view& s, std::uint64_t& id) noexcept {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc{} || (end != s.data() + s.size() && !is_blank(*end))) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return true;
}

/// Parse a data line (already trimmed, not a comment) into two ids; false when malformed.
bool parse_link(std::string_view line, std::uint64_t& from, std::uint64_t& to) noexcept {
  return take_id(line, from) && take_id(line, to) && line.empty();
}

std::string read_whole_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw TopologyError(file.string() + ": is a directory, not an edge list");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TopologyError(file.string() + ": cannot open edge list");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw TopologyError(file.string() + ": error reading edge list");
  return std::move(content).str();
}

std::string line_error(const std::filesystem::path& file, std::size_t line_number, std::string_view line) {
  constexpr std::size_t shown_max = 60;
  const std::string shown(line.substr(0, shown_max));
  return file.string() + ":" + std::to_string(line_number) + ": expected two node ids, got \"" + shown +
         (line.size() > shown_max ? "...\"" : "\"");
}

}  // namespace

Topology load_edge_list(const std::filesystem::path& file, EdgeListStats* stats) {
  const std::string content = read_whole_file(file);
  LabelMap labels;
  std::vector<std::pair<PeerId, PeerId>> edges;
  std::size_t line_number = 0;
  std::size_t self_loops = 0;
  for (std::size_t pos = 0; pos < content.size();) {
    const std::size_t eol = std::min(content.find('\n', pos), content.size());
    const std::string_view line = trim(std::string_view(content).substr(pos, eol - pos));
    pos = eol + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    if (!parse_link(line, from, to)) throw TopologyError(line_error(file, line_number, line));
    const PeerId a = labels.dense(from);
    edges.emplace_back(a, labels.dense(to));
    self_loops += from == to;
  }
  if (edges.empty()) throw TopologyError(file.string() + ": edge list contains no links");
  const std::size_t peers = labels.size();
  const std::size_t link_lines = edges.size();
  Topology topo = topology_from_edges(peers, std::move(edges));
  if (stats != nullptr) *stats = EdgeListStats{link_lines, self_loops, link_lines - self_loops - topo.edge_count()};
  if (topo.edge_count() == 0) throw TopologyError(file.string() + ": edge list contains only self-loops");
  topo.labels = labels.take_labels();
  return topo;
}

}  // namespace zonal::sim
