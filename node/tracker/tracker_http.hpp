#pragma once
/// The tracker's small HTTP listener (http.bind:http.port, node/rest's server): GET /metrics
/// (Prometheus text), GET /healthz and GET /readyz (both 200 while the tracker serves).
#include "http_server.hpp"
#include "metrics.hpp"
#include "registry.hpp"

namespace zonal::node {

/// Register the tracker's gauges read at scrape time (peers, zones, epoch) on `metrics`;
/// `registry` must outlive `metrics`' use.
void register_tracker_gauges(MetricsRegistry& metrics, const Registry& registry);

/// Answer one HTTP request to the tracker.
HttpResponse handle_tracker_http(const MetricsRegistry& metrics, const HttpRequest& req);

}  // namespace zonal::node
