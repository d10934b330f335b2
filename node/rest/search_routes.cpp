#include "search_routes.hpp"

#include <algorithm>
#include <variant>

#include "api_routes.hpp"
#include "request_fields.hpp"
#include "zonal/settings.hpp"

namespace zonal::node {
namespace {

using nlohmann::json;
using Clock = SearchSession::Clock;

/// wait=first, wait=all or wait=<ms>.
struct WaitMode {
  enum Kind { first, all, ms } kind = first;
  std::chrono::milliseconds limit{0};
};

constexpr unsigned wait_ms_max = 600000;
constexpr auto keepalive_interval = std::chrono::seconds(1);  ///< SSE comment lines: notice a gone client

WaitMode wait_mode(const HttpRequest& req) {
  const auto text = optional_query(req, "wait");
  if (!text || *text == "first") return {};
  if (*text == "all") return {WaitMode::all, {}};
  if (text->size() > 6 || text->find_first_not_of("0123456789") != std::string::npos || std::stoul(*text) > wait_ms_max)
    throw ApiError(400, "wait: must be first, all or milliseconds 0.." + std::to_string(wait_ms_max) + ", got \"" + *text + "\"");
  return {WaitMode::ms, std::chrono::milliseconds(std::stoul(*text))};
}

bool stream_requested(const HttpRequest& req) {
  const auto text = optional_query(req, "stream");
  if (!text || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true") return true;
  throw ApiError(400, "stream: must be 1 or 0, got \"" + *text + "\"");
}

json summary_json(const SearchSession& s, std::size_t hits) {
  return {{"name", s.name()}, {"query_id", s.query_id()}, {"strategy", s.strategy()}, {"hits", hits},
          {"complete", s.done()}, {"error", s.error()}};
}

HttpResponse answer_json(const std::shared_ptr<SearchSession>& s, WaitMode mode) {
  const Clock::time_point deadline = mode.kind == WaitMode::ms ? std::min(s->deadline(), Clock::now() + mode.limit) : s->deadline();
  if (mode.kind == WaitMode::first) s->wait_beyond(0, deadline);
  else s->wait_done(deadline);
  if (!s->error().empty()) return json_response(503, {{"error", "search failed: " + s->error()}});
  if (mode.kind == WaitMode::all && !s->done()) return json_response(503, {{"error", "search did not complete (node busy or stopping)"}});
  json hits = json::array();
  for (const auto& h : s->hits()) hits.push_back(hit_json(h));
  json body{{"name", s->name()}, {"query_id", s->query_id()}, {"strategy", s->strategy()}, {"complete", s->done()}, {"hits", hits}};
  if (const auto l = s->lookup()) body["lookup"] = {{"successor", l->successor}, {"hops", l->hops}, {"messages", l->messages}};
  return json_response(200, body);
}

/// The body of an event stream: `hit` events as hits arrive, then one `done` event.
void stream_events(const std::shared_ptr<SearchSession>& s, ResponseStream& out) {
  std::size_t sent = 0;
  if (!out.write(": query " + std::to_string(s->query_id()) + "\n\n")) return;
  for (;;) {
    const bool past = Clock::now() >= s->deadline();
    s->wait_beyond(sent, std::min(s->deadline(), Clock::now() + keepalive_interval));
    const auto fresh = s->hits(sent);
    for (const auto& h : fresh)
      if (!out.write("event: hit\ndata: " + hit_json(h).dump() + "\n\n")) return;
    sent += fresh.size();
    if (s->done() || past) break;
    if (fresh.empty() && !out.write(": waiting\n\n")) return;
  }
  json done = summary_json(*s, sent);
  if (!s->done()) done["error"] = "search did not complete (node busy or stopping)";
  out.write("event: done\ndata: " + done.dump() + "\n\n");
}

}  // namespace

json hit_json(const FoundHit& h) {
  return {{"holder", h.holder}, {"responder", h.responder}, {"hops", h.hops}, {"elapsed_ms", h.elapsed_ms}, {"address", h.address}};
}

HttpResponse search_response(NodeApi& api, const HttpRequest& req) {
  SearchRequest request{query_string(req, "name"), optional_query(req, "strategy"), optional_uint(req, "ttl", setting::ttl.min, setting::ttl.max)};
  const WaitMode mode = wait_mode(req);
  const bool stream = stream_requested(req);
  auto session = api.start_search(request);
  if (!stream) return answer_json(session, mode);
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.stream = [session](ResponseStream& out) { stream_events(session, out); };
  return r;
}

}  // namespace zonal::node
