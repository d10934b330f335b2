/// Explicit content placement and query scripts (content.placement, workload.script): fixed
/// names, holders and queries, for runs that must match a real cluster exactly (conformance).
#include <set>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {
namespace {

constexpr std::size_t name_bytes_max = 255;
constexpr std::size_t entries_max = 1'000'000;
constexpr double at_ms_max = 86'400'000;  ///< 1 day

const Json& array_at(const Section& s, std::string_view key) {
  const Json& v = *s.find(key);
  if (!v.is_array()) fail(s.path_of(key), "must be an array");
  if (v.empty()) fail(s.path_of(key), "must not be empty");
  if (v.size() > entries_max) fail(s.path_of(key), "must have at most " + std::to_string(entries_max) + " entries");
  return v;
}

std::string name_at(const Section& entry) {
  if (!entry.has("name")) fail(entry.path_of("name"), "is required");
  std::string name = to_string(*entry.find("name"), entry.path_of("name"));
  if (name.empty() || name.size() > name_bytes_max)
    fail(entry.path_of("name"), "must be 1 to " + std::to_string(name_bytes_max) + " bytes, got " + std::to_string(name.size()));
  return name;
}

PlacedFile placed_file(const Section& entry, const PeerIds& ids) {
  static constexpr std::array<std::string_view, 2> keys{"name", "holders"};
  entry.reject_unknown(keys);
  PlacedFile f{name_at(entry), {}};
  if (!entry.has("holders")) fail(entry.path_of("holders"), "is required");
  const Json& holders = array_at(entry, "holders");
  for (std::size_t i = 0; i < holders.size(); ++i) {
    const std::string path = entry.path_of("holders") + "[" + std::to_string(i) + "]";
    const PeerId p = ids.at(holders[i], path);
    if (std::find(f.holders.begin(), f.holders.end(), p) != f.holders.end()) fail(path, "peer " + holders[i].dump() + " listed twice");
    f.holders.push_back(p);
  }
  return f;
}

ScriptedQuery scripted_query(const Section& entry, const PeerIds& ids, double previous_ms) {
  static constexpr std::array<std::string_view, 3> keys{"origin", "name", "at_ms"};
  entry.reject_unknown(keys);
  ScriptedQuery q;
  if (!entry.has("origin")) fail(entry.path_of("origin"), "is required");
  q.origin = ids.at(*entry.find("origin"), entry.path_of("origin"));
  q.name = name_at(entry);
  q.at_ms = at_most(entry.get_number("at_ms", previous_ms, Bound{0}), at_ms_max, entry.path_of("at_ms"));
  if (q.at_ms < previous_ms)
    fail(entry.path_of("at_ms"), "must be >= the previous entry's at_ms (" + format_number(previous_ms) + "), got " + format_number(q.at_ms));
  return q;
}

}  // namespace

PeerIds::PeerIds(std::uint32_t peers, const std::unordered_map<std::uint64_t, PeerId>* by_node_id, std::string file)
    : m_peers(peers), m_by_node_id(by_node_id), m_file(std::move(file)) {}

PeerId PeerIds::at(const Json& v, const std::string& path) const {
  if (m_by_node_id == nullptr) return static_cast<PeerId>(to_uint(v, path, 0, m_peers - 1, true));
  const std::uint64_t node = to_uint(v, path, 0, std::numeric_limits<std::uint64_t>::max(), false);
  const auto it = m_by_node_id->find(node);
  if (it == m_by_node_id->end()) {
    fail(path, "node " + std::to_string(node) + " is not in the edge list " + m_file +
                   " (edge-list scenarios name peers by the file's node ids)");
  }
  return it->second;
}

std::vector<PlacedFile> parse_placement(const Section& content, const PeerIds& ids) {
  std::vector<PlacedFile> out;
  if (!content.has("placement")) return out;
  const Json& list = array_at(content, "placement");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = content.path_of("placement") + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) fail(path, "must be an object");
    out.push_back(placed_file(Section(&list[i], path), ids));
    if (!names.insert(out.back().name).second) fail(path + ".name", "\"" + out.back().name + "\" placed twice");
  }
  return out;
}

std::vector<ScriptedQuery> parse_script(const Section& workload, const PeerIds& ids) {
  std::vector<ScriptedQuery> out;
  if (!workload.has("script")) return out;
  const Json& list = array_at(workload, "script");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = workload.path_of("script") + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) fail(path, "must be an object");
    out.push_back(scripted_query(Section(&list[i], path), ids, out.empty() ? 0.0 : out.back().at_ms));
  }
  return out;
}

}  // namespace zonal::sim::detail
