#pragma once
/// A small metrics registry (counters, gauges, histograms, gauges read at scrape time) with the
/// Prometheus text exposition format 0.0.4. One registry per process, owned by its main object
/// (Node, the tracker's run()) and passed by reference to the parts that count; no globals.
/// Updates are lock-free atomics; creating a labelled child takes a family mutex, so hot paths
/// look their child up once and keep the reference (children live as long as the registry).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zonal::node {

/// A monotonically increasing value (events, bytes).
class Counter {
 public:
  /// Add `by` (>= 0; negative values are ignored).
  void inc(double by = 1) noexcept {
    if (by > 0) m_value.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const noexcept { return m_value.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> m_value{0};
};

/// A value that goes up and down (queue depth, active transfers).
class Gauge {
 public:
  void set(double v) noexcept { m_value.store(v, std::memory_order_relaxed); }
  void add(double by) noexcept { m_value.fetch_add(by, std::memory_order_relaxed); }
  double value() const noexcept { return m_value.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> m_value{0};
};

/// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  /// Count one observation of `v`.
  void observe(double v) noexcept;
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  ///< per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  /// Copy of the buckets (for exposition and tests).
  Snapshot snapshot() const;

 private:
  std::vector<double> m_bounds;
  std::unique_ptr<std::atomic<std::uint64_t>[]> m_counts;  ///< per bucket (not cumulative), last is +Inf
  std::atomic<double> m_sum{0};
  std::atomic<std::uint64_t> m_count{0};
};

/// Label sets a family keeps at most; further sets share one uncounted child (bounded memory
/// even if a label value were ever derived from remote input).
inline constexpr std::size_t metric_label_sets_max = 1000;

/// One metric name with its label names and one child per distinct label values.
template <class Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : m_label_names(std::move(label_names)), m_make(std::move(make)), m_overflow(m_make()) {}

  /// The child for `values` (one per label name, in order), created on first use; call once
  /// and keep the reference on hot paths.
  Metric& with(const std::vector<std::string>& values = {}) {
    std::lock_guard lock(m_mutex);
    auto it = m_children.find(values);
    if (it != m_children.end()) return *it->second;
    if (values.size() != m_label_names.size() || m_children.size() >= metric_label_sets_max) return *m_overflow;
    return *m_children.emplace(values, m_make()).first->second;
  }
  const std::vector<std::string>& label_names() const noexcept { return m_label_names; }
  /// Visit every child with its label values (under the family's lock).
  template <class Fn>
  void each(Fn fn) const {
    std::lock_guard lock(m_mutex);
    for (const auto& [values, metric] : m_children) fn(values, *metric);
  }

 private:
  std::vector<std::string> m_label_names;
  std::function<std::unique_ptr<Metric>()> m_make;
  mutable std::mutex m_mutex;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> m_children;
  std::unique_ptr<Metric> m_overflow;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// The counter family `name` (created on first call; later calls with the same name return it).
  /// Throws std::invalid_argument on a malformed name or when `name` is registered as another type.
  Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  /// The gauge family `name` (same rules as counter()).
  Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  /// The histogram family `name` with bucket upper `bounds` (ascending).
  Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                               std::vector<double> bounds);
  /// A gauge whose value `read` computes at every scrape (e.g. the size of a table); `read` must
  /// be safe to call from the scraping thread for as long as the registry lives.
  void gauge_fn(const std::string& name, const std::string& help, std::function<double()> read);

  /// Every metric in the Prometheus text format 0.0.4, in registration order.
  std::string exposition() const;

 private:
  struct Entry;
  Entry& add(const std::string& name, const std::string& help, const char* type);
  mutable std::mutex m_mutex;
  std::vector<std::unique_ptr<Entry>> m_entries;
};

/// Buckets in seconds for request latencies, 0.5 ms .. 10 s.
std::vector<double> latency_buckets_s();

}  // namespace zonal::node
