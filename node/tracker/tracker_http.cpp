#include "tracker_http.hpp"

namespace zonal::node {
namespace {

HttpResponse json_reply(int status, nlohmann::json body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

void register_tracker_gauges(MetricsRegistry& metrics, const Registry& registry) {
  metrics.gauge_fn("zonal_tracker_peers", "Peers registered with the tracker",
                   [&registry] { return static_cast<double>(registry.peer_count()); });
  metrics.gauge_fn("zonal_tracker_zones", "Zones in the tracker's directory",
                   [&registry] { return static_cast<double>(registry.snapshot().directory->zone_count()); });
  metrics.gauge_fn("zonal_tracker_epoch", "Epoch of the tracker's directory",
                   [&registry] { return static_cast<double>(registry.snapshot().directory->epoch()); });
}

HttpResponse handle_tracker_http(const MetricsRegistry& metrics, const HttpRequest& req) {
  const bool known = req.path == "/metrics" || req.path == "/healthz" || req.path == "/readyz";
  if (!known) return json_reply(404, {{"error", "no such endpoint: " + req.path}});
  if (req.method != "GET") return json_reply(405, {{"error", "method " + req.method + " not allowed on " + req.path}});
  if (req.path != "/metrics") return json_reply(200, {{"status", "ok"}});
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.text = metrics.exposition();
  return r;
}

}  // namespace zonal::node
