/// Node's NodeApi: the operations behind the REST endpoints (status, search, get, share, store...).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "node.hpp"
#include "safe_name.hpp"
#include "store_client.hpp"
#include "zonal/hash.hpp"
#include "zonal/settings.hpp"
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

json events_json(const EventStats& s) {
  return {{"published", s.published}, {"refused", s.refused}, {"outbox_depth", s.outbox_depth}, {"outbox_max", s.outbox_max},
          {"broker_connected", s.broker_connected}};
}

}  // namespace

json Node::status() {
  const RuntimeState s = runtime().state();
  const SessionStatus t = m_session->status();
  return {{"id", m_id},
          {"address", m_address},
          {"rest_port", m_rest ? m_rest->port() : 0},
          {"client_port", m_client ? m_client->port() : 0},
          {"tracker", m_config.tracker_address},
          {"registered", t.registered},
          {"registrations", t.registrations},
          {"zone", s.zone},
          {"zone_count", s.zone_count},
          {"epoch", s.epoch},
          {"overlay", s.overlay},
          {"zone_links", s.zone_links},
          {"records", s.records},
          {"records_expired", s.records_expired},
          {"files", m_files.list().size()},
          {"shared_dir", std::filesystem::absolute(m_config.shared_dir()).string()},
          {"strategy", strategy_name(m_config.strategy)},
          {"uploads_active", m_server->uploads_active()},
          {"deliver_failures", m_transport ? m_transport->failures() : 0},
          {"chord", chord_status()},
          {"limits", limits_status()},
          {"events", events_json(m_events->stats())}};
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

void Node::require_event_room() const {
  if (m_events->has_room()) return;
  throw ApiError(503, "event outbox full: " + std::to_string(m_events->stats().outbox_depth) +
                          " events wait for the broker (amqp.outbox_max); new work is refused until it drains");
}

json Node::share(const std::string& name) {
  check_name(name);
  require_event_room();
  try {
    const SharedFile f = m_files.add(name);
    share_key(f.key);
    m_events->publish("file.shared", {{"peer_id", m_id}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}, {"origin", "share"}});
    return file_json(f);
  } catch (const FileError& e) {
    throw api_error(e);
  }
}

Strategy Node::strategy_of(const std::optional<std::string>& text) const {
  if (!text) return m_config.strategy;
  const auto s = parse_strategy(*text);
  if (!s) throw ApiError(400, "strategy: must be " + strategy_choices() + ", got \"" + *text + "\"");
  return *s;
}

std::shared_ptr<SearchSession> Node::start_search(const SearchRequest& request) {
  check_name(request.name);
  const Strategy strategy = strategy_of(request.strategy);
  const auto& ttl = request.ttl;
  if (ttl && !setting::ttl.contains(*ttl)) throw ApiError(400, "ttl: " + setting::ttl.range_error(*ttl));
  require_event_room();
  if (strategy == Strategy::chord && !m_chord) throw ApiError(400, "strategy: chord needs chord.enabled true on this node");
  PeerRuntime& rt = runtime();
  const std::string label = strategy_name(strategy);
  const auto window = strategy == Strategy::chord ? chord_find_bound() : std::chrono::microseconds(m_config.peer.query_timeout_us);
  auto session = std::make_shared<SearchSession>(request.name, label, SearchSession::Clock::now() + window + std::chrono::seconds(5));
  m_metrics.searches.with({label}).inc();
  Counter& hits = m_metrics.hits.with({label});
  Histogram& first_hit = m_metrics.first_hit.with({label});
  // Both callbacks run on a runtime's io thread.
  // Hits go into the session together (a Chord find reports its holders all at once).
  auto add = [this, session, &hits, &first_hit](const std::vector<SearchHit>& batch) {
    if (batch.empty()) return;
    std::vector<FoundHit> found;
    for (const SearchHit& h : batch)
      found.push_back(FoundHit{h.holder, h.responder, h.hops, h.elapsed_ms, m_book.find(h.holder).value_or("")});
    const std::size_t count = session->add_hits(std::move(found));
    hits.inc(static_cast<double>(batch.size()));
    if (count == batch.size()) first_hit.observe(batch.front().elapsed_ms / 1000.0);
  };
  auto on_hit = [add](const SearchHit& h) { add({h}); };
  auto done = [this, session, add, strategy](SearchOutcome o) {
    if (strategy == Strategy::chord) add(o.hits);
    std::optional<LookupSummary> lookup;
    if (o.lookup) lookup = LookupSummary{o.lookup->successor, o.lookup->hops, o.lookup->messages};
    session->finish(o.error, lookup);
    m_events->publish("search.completed", {{"peer_id", m_id}, {"name", session->name()}, {"hits", session->hits().size()},
                                           {"query_id", o.query_id}, {"strategy", session->strategy()}});
  };
  QueryId id = 0;
  if (strategy == Strategy::chord) {
    id = m_chord->find(file_key(request.name), std::move(done));
  } else {
    SearchParams params = m_config.search;
    params.ttl_hops = static_cast<std::uint8_t>(ttl.value_or(m_config.ttl_hops));
    id = rt.search(file_key(request.name), strategy, params, std::move(done), std::move(on_hit));
  }
  session->set_query_id(id);
  return session;
}

/// Holders named by a search's hits, in arrival order, without this node and `skip`.
std::vector<Holder> Node::holders_of(const std::vector<FoundHit>& found, const std::vector<Holder>& skip) {
  std::vector<Holder> holders;
  const auto seen = [&](PeerId id) {
    const auto same = [id](const Holder& x) { return x.id == id; };
    return std::any_of(holders.begin(), holders.end(), same) || std::any_of(skip.begin(), skip.end(), same);
  };
  for (const auto& h : found) {
    if (h.holder == m_id || seen(h.holder)) continue;
    if (auto address = m_book.find(h.holder)) holders.push_back(Holder{h.holder, *address});
  }
  return holders;
}

std::vector<Holder> Node::first_holders(const SearchSession& session, const std::vector<Holder>& skip) {
  // Hits naming only this node or holders in `skip` are no news: wait for more, or the end.
  std::size_t have = 0;
  for (;;) {
    have = session.wait_beyond(have, session.deadline());
    auto holders = holders_of(session.hits(), skip);
    if (!holders.empty() || session.done() || SearchSession::Clock::now() >= session.deadline()) return holders;
  }
}

/// Counts a running download for as long as it lives.
struct ActiveDownload {
  explicit ActiveDownload(Gauge& g) : gauge(g) { gauge.add(1); }
  ~ActiveDownload() { gauge.add(-1); }
  Gauge& gauge;
};

json Node::get(const std::string& name, std::optional<std::string> strategy, const GetProgress& progress) {
  check_name(name);
  if (const auto mine = m_files.find(name)) return {{"file", file_json(*mine)}, {"already_shared", true}, {"sources", json::array()}};
  strategy_of(strategy);  // a bad strategy is a 400 before anything runs
  require_event_room();
  m_downloads.begin(name);
  try {
    json out = download_and_share(name, strategy, progress);
    m_downloads.finish(name, "");
    return out;
  } catch (const std::exception& e) {
    m_downloads.finish(name, e.what());
    throw;
  }
}

json Node::download_and_share(const std::string& name, std::optional<std::string> strategy, const GetProgress& progress) {
  // Start downloading at the first hit; the search keeps collecting in the background.
  auto session = start_search(SearchRequest{name, strategy, std::nullopt});
  std::vector<Holder> holders = first_holders(*session, {});
  if (holders.empty() && strategy != std::string("flood")) {
    session = start_search(SearchRequest{name, "flood", std::nullopt});
    holders = first_holders(*session, {});
    strategy = "flood";
  }
  if (holders.empty()) throw ApiError(404, "no holder of \"" + name + "\" found");
  // When every holder so far failed (index records may name a holder that is gone): the next
  // holders this search finds (or has found), then those of a `flood`; the transfer continues
  // from the same offset.
  std::vector<Holder> tried = holders;
  bool flooded = strategy == std::string("flood");
  const MoreHolders more = [&]() -> std::vector<Holder> {
    for (;;) {
      auto extra = first_holders(*session, tried);
      if (!extra.empty()) {
        tried.insert(tried.end(), extra.begin(), extra.end());
        return extra;
      }
      if (flooded) return {};
      session = start_search(SearchRequest{name, "flood", std::nullopt});
      flooded = true;
    }
  };
  ActiveDownload active(m_metrics.downloads_active);
  const DownloadProgress on_bytes = [this, &name, &progress](std::uint64_t done, std::uint64_t total, std::uint64_t added) {
    m_metrics.bytes_downloaded.inc(static_cast<double>(added));
    m_downloads.progress(name, done, total);
    if (progress) progress(done, total);
  };
  try {
    const DownloadResult r = download_file(name, holders, m_files, m_config.rpc_timeout_ms, m_config.tls, on_bytes, more);
    share_key(r.file.key);
    json sources = json::array();
    for (const auto& s : r.sources) sources.push_back({{"peer", s.peer}, {"from_offset", s.from_offset}, {"bytes", s.bytes}});
    m_events->publish("download.completed", {{"peer_id", m_id}, {"name", name}, {"size", r.file.size}, {"sha256", to_hex(r.file.sha256)}});
    m_events->publish("file.shared",
                      {{"peer_id", m_id}, {"name", name}, {"size", r.file.size}, {"sha256", to_hex(r.file.sha256)}, {"origin", "download"}});
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
  require_event_room();
  const auto dir = m_session->directory();
  if (!dir || dir->zone_count() == 0) throw ApiError(503, "no zone directory yet");
  const ZoneId home = home_zone(file->key, dir->zone_count());
  PeerId target = no_peer;
  for (PeerId m : dir->members(home))  // the highest rendezvous score other than this node
    if (m != m_id && (target == no_peer || rendezvous_score(file->key, m) > rendezvous_score(file->key, target))) target = m;
  const auto address = target == no_peer ? std::nullopt : m_book.find(target);
  if (!address) throw ApiError(503, "home zone " + std::to_string(home) + " has no other reachable member");
  try {
    const PeerId stored_on = store_file(*file, m_files, Holder{target, *address}, m_config.chunk_bytes, m_config.rpc_timeout_ms, m_config.tls);
    return {{"name", name}, {"zone", home}, {"stored_on", stored_on}, {"address", *address}};
  } catch (const FileError& e) {
    throw api_error(e);
  }
}

json Node::queries() {
  json out = json::array();
  for (const auto& c : runtime().counters()) {
    out.push_back({{"query_id", c.query_id}, {"key", c.key}, {"sent", c.sent}, {"fresh", c.fresh}, {"duplicates", c.duplicates},
                   {"hit_messages", c.hit_messages}, {"hits", c.hits}, {"holder_hits", c.holder_hits}, {"origin", c.origin},
                   {"first_hops", c.first_hops}, {"hop_inversions", c.hop_inversions}, {"hit_arrivals", c.hit_arrivals},
                   {"hits_dropped", c.hits_dropped}});
  }
  return {{"peer_id", m_id}, {"queries", out}};
}

json Node::unshare(const std::string& name) {
  check_name(name);
  require_event_room();
  try {
    const SharedFile f = m_files.remove(name);
    m_events->publish("file.unshared", {{"peer_id", m_id}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}});
    return file_json(f);
  } catch (const FileError& e) {
    throw api_error(e);
  }
}

json Node::events(std::uint64_t after, std::uint32_t wait_ms) {
  const FeedSlice s = m_events->recent(after, std::chrono::milliseconds(wait_ms));
  return {{"next", s.next}, {"events", s.events}, {"stats", events_json(m_events->stats())}};
}

json Node::downloads() { return m_downloads.list(); }

std::string Node::metrics_text() {
  m_metrics.outbox_depth.set(static_cast<double>(m_events->stats().outbox_depth));  // read at each scrape
  return m_registry.exposition();
}

json Node::readiness() {
  const SessionStatus t = m_session->status();
  const auto dir = m_session->directory();
  const bool zones_known = dir && dir->zone_count() > 0;
  return {{"ready", t.registered && zones_known && m_runtime != nullptr}, {"registered", t.registered}, {"zones_known", zones_known}};
}

}  // namespace zonal::node
