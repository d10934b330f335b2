/// zonal-tracker: the registry. Registers peers, assigns zones, serves the directory; never indexes files.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <iostream>
#include <unistd.h>

#include "logging.hpp"
#include "program_main.hpp"
#include "amqp_publisher.hpp"
#include "event_feed.hpp"
#include "log_sink.hpp"
#include "ready.hpp"
#include "tracker_http.hpp"
#include "tracker_server.hpp"

namespace {

namespace asio = boost::asio;
using namespace zonal::node;

/// The tracker's events: RabbitMQ through data_dir/outbox with amqp.enabled, else the log.
std::unique_ptr<EventFeed> make_events(const TrackerOptions& t) {
  if (!t.amqp_enabled) return std::make_unique<EventFeed>(std::make_unique<LogSink>());
  AmqpOptions o;
  o.url = parse_amqp_url(t.amqp_url);
  o.exchange = t.amqp_exchange;
  o.queue = "";  // the nodes declare file_notifications; tracker events go to the exchange only
  o.outbox_dir = t.data_dir / "outbox";
  o.outbox_max = t.amqp_outbox_max;
  return std::make_unique<EventFeed>(std::make_unique<AmqpPublisher>(std::move(o)));
}

/// Expire silent peers every quarter second until the io_context stops.
void schedule_expiry(asio::steady_timer& timer, Registry& registry, const MonotonicClock& clock) {
  timer.expires_after(std::chrono::milliseconds(250));
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    registry.expire(clock.now_us());
    schedule_expiry(timer, registry, clock);
  });
}

int run(const TrackerOptions& options) {
  setup_logging("tracker", options.log_level);
  MonotonicClock clock;
  const auto events = make_events(options);
  Registry registry(options, events.get());
  MetricsRegistry metrics;
  TrackerServer server(options, registry, clock, metrics);
  register_tracker_gauges(metrics, registry);
  HttpServer http(options.http_bind, options.http_port, [&](const HttpRequest& r) { return handle_tracker_http(metrics, r); });
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer expiry(io);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("signal {}: shutting down", sig);
    expiry.cancel();
  });
  schedule_expiry(expiry, registry, clock);
  spdlog::info("tracker listening on {}:{} (zones {} of >= {}, heartbeat {} ms, expiry {} ms)", options.grpc_bind,
               server.port(), options.zone_count, options.zone_size_min, options.heartbeat_ms, options.expiry_ms);
  announce_ready({{"event", "ready"}, {"role", "tracker"}, {"grpc_port", server.port()}, {"http_port", http.port()},
                  {"pid", ::getpid()}},
                 options.ready_dir);
  io.run();
  http.stop();
  server.shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return program_main("zonal-tracker", "the zonal registry (peer ids, zones, directory).", tracker_schema(), argc, argv,
                      [](const Settings& s) {
                        TrackerOptions options = parse_tracker_config(s);
                        if (options.amqp_enabled) parse_amqp_url(options.amqp_url);
                        return options;
                      },
                      run);
}
