#pragma once
/// `zonal events`: a consumer of the nodes' events (RabbitMQ), printing one line per event.
#include <cstdint>
#include <ostream>
#include <string>

namespace zonal::cli {

struct EventsOptions {
  std::string amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
  std::string queue = "file_notifications";  ///< consume this durable queue (acknowledging each event) ...
  std::string exchange = "zonal.events";
  std::string bind;                          ///< ... or, when set, a private queue bound to `exchange` with this pattern
  std::uint64_t count = 0;                   ///< stop after this many events (0: never)
  std::uint32_t idle_s = 0;                  ///< stop after this many seconds without an event (0: never)
  bool json = false;                         ///< print the raw JSON bodies
};

/// Print events as they arrive; returns 0 when stopped by count/idle, 1 when the broker cannot be
/// reached or the queue does not exist (the message says which).
int cmd_events(const EventsOptions& o, std::ostream& out);

}  // namespace zonal::cli
