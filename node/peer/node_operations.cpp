/// Node's NodeApi: the operations behind the REST endpoints (status, search, get, share, store...).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "node.hpp"
#include "safe_name.hpp"
#include "store_client.hpp"
#include "zonal/hash.hpp"
#include "zonal/strategy.hpp"

namespace zonal::node {
namespace {

using nlohmann::json;

int http_status_of(FileErrorKind k) {
  switch (k) {
    case FileErrorKind::invalid: return 400;
    case FileErrorKind::not_found: return 404;
    case FileErrorKind::conflict: return 409;
    case FileErrorKind::too_large: return 413;
    case FileErrorKind::unavailable:
    case FileErrorKind::corrupt: return 502;
    case FileErrorKind::io: break;
  }
  return 500;
}

ApiError api_error(const FileError& e) { return ApiError(http_status_of(e.kind), e.what()); }

json file_json(const SharedFile& f) {
  return {{"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}, {"key", f.key}};
}

void check_name(const std::string& name) {
  if (auto p = file_name_problem(name)) throw ApiError(400, *p);
}

}  // namespace

json Node::status() {
  const RuntimeState s = runtime().state();
  const SessionStatus t = m_session->status();
  return {{"id", m_id},
          {"address", m_address},
          {"rest_port", m_rest ? m_rest->port() : 0},
          {"tracker", m_config.tracker_address},
          {"registered", t.registered},
          {"registrations", t.registrations},
          {"zone", s.zone},
          {"zone_count", s.zone_count},
          {"epoch", s.epoch},
          {"overlay", s.overlay},
          {"zone_links", s.zone_links},
          {"records", s.records},
          {"files", m_files.list().size()},
          {"shared_dir", std::filesystem::absolute(m_config.shared_dir()).string()},
          {"strategy", strategy_name(m_config.strategy)},
          {"uploads_active", m_server->uploads_active()},
          {"deliver_failures", m_transport ? m_transport->failures() : 0},
          {"chord", chord_status()},
          {"limits", limits_status()}};
}

json Node::limits_status() {
  json rest = json::object();
  if (m_rest) {
    const HttpServerCounters h = m_rest->counters();
    rest = {{"connections_open", h.connections_open}, {"connections_refused", h.connections_refused}, {"timeouts", h.timeouts},
            {"busy", h.busy}, {"accept_errors", h.accept_errors}};
  }
  const ApiAuthCounters a = m_auth->counters();
  rest["unauthorized"] = a.unauthorized;
  rest["forbidden"] = a.forbidden;
  const PeerServerCounters p = m_server->counters();
  const json peers = {{"messages_refused", p.messages_refused},   {"searches_refused", p.searches_refused},
                      {"backlog_refused", p.backlog_refused},     {"deliveries_abandoned", p.deliveries_abandoned},
                      {"backlog", p.backlog},                     {"outbound_dropped", m_transport ? m_transport->dropped_busy() : 0}};
  const json store = {{"running", p.stores_running},
                      {"refused_busy", p.stores_refused_busy},
                      {"refused_quota", p.stores_refused_quota},
                      {"cancelled", p.stores_cancelled}};
  return {{"rest", rest}, {"peers", peers}, {"store", store}, {"listener_restarts", m_server->listener_restarts()}};
}

json Node::peers() {
  const auto dir = m_session->directory();
  json out = json::array();
  for (const auto& [id, address] : m_book.all()) {
    ZoneId zone = no_zone;
    for (ZoneId z = 0; dir && z < dir->zone_count(); ++z) {
      const auto m = dir->members(z);
      if (std::find(m.begin(), m.end(), id) != m.end()) zone = z;
    }
    out.push_back({{"id", id}, {"address", address}, {"zone", zone}, {"self", id == m_id}});
  }
  return {{"peers", out}};
}

json Node::zones() {
  const auto dir = m_session->directory();
  if (!dir) throw ApiError(503, "no zone directory yet");
  json zones = json::array();
  for (ZoneId z = 0; z < dir->zone_count(); ++z) {
    const auto m = dir->members(z);
    zones.push_back({{"zone", z}, {"members", std::vector<PeerId>(m.begin(), m.end())}});
  }
  return {{"epoch", dir->epoch()}, {"zone_count", dir->zone_count()}, {"links_seed", dir->links_seed()}, {"zones", zones}};
}

json Node::files() {
  json out = json::array();
  for (const auto& f : m_files.list()) out.push_back(file_json(f));
  return {{"files", out}};
}

json Node::share(const std::string& name) {
  check_name(name);
  try {
    const SharedFile f = m_files.add(name);
    share_key(f.key);
    m_events->publish("file.shared", {{"peer_id", m_id}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}});
    return file_json(f);
  } catch (const FileError& e) {
    throw api_error(e);
  }
}

SearchOutcome Node::run_search(const std::string& name, Strategy strategy, std::uint8_t ttl) {
  auto promise = std::make_shared<std::promise<SearchOutcome>>();
  auto result = promise->get_future();
  SearchParams params = m_config.search;
  params.ttl_hops = ttl;
  runtime().search(file_key(name), strategy, params, [promise](SearchOutcome o) { promise->set_value(std::move(o)); });
  const auto wait = std::chrono::microseconds(m_config.peer.query_timeout_us) + std::chrono::seconds(5);
  if (result.wait_for(wait) != std::future_status::ready) throw ApiError(503, "search did not complete (node busy or stopping)");
  SearchOutcome out = result.get();
  if (!out.error.empty()) throw ApiError(503, "search failed: " + out.error);
  return out;
}

json Node::search(const std::string& name, std::optional<std::string> strategy_text, std::optional<unsigned> ttl) {
  check_name(name);
  Strategy strategy = m_config.strategy;
  if (strategy_text) {
    const auto s = strategy_from_name(*strategy_text);
    if (!s) {
      throw ApiError(400, "strategy: must be flood, zone-flood, random-walk, expanding-ring or chord, got \"" +
                              *strategy_text + "\"");
    }
    strategy = *s;
  }
  if (ttl && (*ttl < 1 || *ttl > ttl_hops_max)) throw ApiError(400, "ttl: must be between 1 and 10, got " + std::to_string(*ttl));
  const SearchOutcome o = strategy == Strategy::chord
                              ? run_chord_search(name)
                              : run_search(name, strategy, static_cast<std::uint8_t>(ttl.value_or(m_config.ttl_hops)));
  json hits = json::array();
  for (const auto& h : o.hits) {
    const auto address = m_book.find(h.holder);
    hits.push_back({{"holder", h.holder}, {"responder", h.responder}, {"hops", h.hops}, {"elapsed_ms", h.elapsed_ms},
                    {"address", address.value_or("")}});
  }
  m_events->publish("search.completed", {{"peer_id", m_id}, {"name", name}, {"hits", o.hits.size()}, {"query_id", o.query_id}});
  return {{"name", name}, {"query_id", o.query_id}, {"strategy", strategy_name(strategy)}, {"hits", hits}};
}

/// Holders named by a search's hits, in arrival order, without this node and `skip`.
std::vector<Holder> Node::holders_of(const json& found, const std::vector<Holder>& skip) {
  std::vector<Holder> holders;
  const auto seen = [&](PeerId id) {
    const auto same = [id](const Holder& x) { return x.id == id; };
    return std::any_of(holders.begin(), holders.end(), same) || std::any_of(skip.begin(), skip.end(), same);
  };
  for (const auto& h : found["hits"]) {
    const PeerId id = h["holder"];
    if (id == m_id || seen(id)) continue;
    if (auto address = m_book.find(id)) holders.push_back(Holder{id, *address});
  }
  return holders;
}

json Node::get(const std::string& name, std::optional<std::string> strategy) {
  check_name(name);
  if (const auto mine = m_files.find(name)) return {{"file", file_json(*mine)}, {"already_shared", true}, {"sources", json::array()}};
  std::vector<Holder> holders = holders_of(search(name, strategy, std::nullopt), {});
  if (holders.empty() && strategy != std::string("flood")) holders = holders_of(search(name, "flood", std::nullopt), {});
  if (holders.empty()) throw ApiError(404, "no holder of \"" + name + "\" found");
  try {
    DownloadResult r;
    try {
      r = download_file(name, holders, m_files, m_config.rpc_timeout_ms);
    } catch (const FileError& e) {
      // Index records may name a holder that is gone: look for other holders with a flood
      // and continue from the partial file.
      if (e.kind != FileErrorKind::unavailable || strategy == std::string("flood")) throw;
      const auto more = holders_of(search(name, "flood", std::nullopt), holders);
      if (more.empty()) throw;
      r = download_file(name, more, m_files, m_config.rpc_timeout_ms);
    }
    share_key(r.file.key);
    json sources = json::array();
    for (const auto& s : r.sources) sources.push_back({{"peer", s.peer}, {"from_offset", s.from_offset}, {"bytes", s.bytes}});
    m_events->publish("download.completed", {{"peer_id", m_id}, {"name", name}, {"size", r.file.size}, {"sha256", to_hex(r.file.sha256)}});
    spdlog::info("downloaded \"{}\" ({} bytes, {} source(s))", name, r.file.size, r.sources.size());
    return {{"file", file_json(r.file)}, {"already_shared", false}, {"resumed_from", r.resumed_from}, {"sources", sources}};
  } catch (const FileError& e) {
    m_events->publish("download.failed", {{"peer_id", m_id}, {"name", name}, {"error", e.what()}});
    throw api_error(e);
  }
}

json Node::store(const std::string& name) {
  check_name(name);
  const auto file = m_files.find(name);
  if (!file) throw ApiError(404, "name: \"" + name + "\" is not shared by this node");
  const auto dir = m_session->directory();
  if (!dir || dir->zone_count() == 0) throw ApiError(503, "no zone directory yet");
  const ZoneId home = home_zone(file->key, dir->zone_count());
  PeerId target = no_peer;
  for (PeerId m : dir->members(home))  // the highest rendezvous score other than this node
    if (m != m_id && (target == no_peer || rendezvous_score(file->key, m) > rendezvous_score(file->key, target))) target = m;
  const auto address = target == no_peer ? std::nullopt : m_book.find(target);
  if (!address) throw ApiError(503, "home zone " + std::to_string(home) + " has no other reachable member");
  try {
    const PeerId stored_on = store_file(*file, m_files, Holder{target, *address}, m_config.chunk_bytes, m_config.rpc_timeout_ms);
    return {{"name", name}, {"zone", home}, {"stored_on", stored_on}, {"address", *address}};
  } catch (const FileError& e) {
    throw api_error(e);
  }
}

json Node::queries() {
  json out = json::array();
  for (const auto& c : runtime().counters()) {
    out.push_back({{"query_id", c.query_id}, {"key", c.key}, {"sent", c.sent}, {"fresh", c.fresh}, {"duplicates", c.duplicates},
                   {"hit_messages", c.hit_messages}, {"hits", c.hits}, {"holder_hits", c.holder_hits}, {"origin", c.origin}});
  }
  return {{"peer_id", m_id}, {"queries", out}};
}

}  // namespace zonal::node
