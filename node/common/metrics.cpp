#include "metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace zonal::node {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

/// {a="x",b="y"} plus an optional extra label (le for buckets); empty when there are none.
std::string label_text(const std::vector<std::string>& names, const std::vector<std::string>& values,
                       const std::string& extra_name = {}, const std::string& extra_value = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape_label(values[i]) + "\"";
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : m_bounds(std::move(bounds)) {
  std::sort(m_bounds.begin(), m_bounds.end());
  m_counts = std::make_unique<std::atomic<std::uint64_t>[]>(m_bounds.size() + 1);
  for (std::size_t i = 0; i <= m_bounds.size(); ++i) m_counts[i].store(0);
}

void Histogram::observe(double v) noexcept {
  const auto it = std::lower_bound(m_bounds.begin(), m_bounds.end(), v);  // first bound >= v: le semantics
  m_counts[static_cast<std::size_t>(it - m_bounds.begin())].fetch_add(1, std::memory_order_relaxed);
  m_sum.fetch_add(v, std::memory_order_relaxed);
  m_count.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = m_bounds;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= m_bounds.size(); ++i) {
    running += m_counts[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = m_sum.load(std::memory_order_relaxed);
  return s;
}

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  std::string type;  ///< counter, gauge, histogram
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  std::function<double()> read;  ///< gauge_fn

  void write(std::string& out) const {
    out += "# HELP " + name + " " + escape_help(help) + "\n# TYPE " + name + " " + type + "\n";
    if (read) {
      out += name + " " + number(read()) + "\n";
    } else if (counters) {
      counters->each([&](const auto& values, const Counter& c) {
        out += name + label_text(counters->label_names(), values) + " " + number(c.value()) + "\n";
      });
    } else if (gauges) {
      gauges->each([&](const auto& values, const Gauge& g) {
        out += name + label_text(gauges->label_names(), values) + " " + number(g.value()) + "\n";
      });
    } else if (histograms) {
      const auto& names = histograms->label_names();
      histograms->each([&](const auto& values, const Histogram& h) {
        const auto s = h.snapshot();
        for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
          const std::string le = i < s.bounds.size() ? number(s.bounds[i]) : "+Inf";
          out += name + "_bucket" + label_text(names, values, "le", le) + " " + std::to_string(s.cumulative[i]) + "\n";
        }
        out += name + "_sum" + label_text(names, values) + " " + number(s.sum) + "\n";
        out += name + "_count" + label_text(names, values) + " " + std::to_string(s.count) + "\n";
      });
    }
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::add(const std::string& name, const std::string& help, const char* type) {
  if (!valid_name(name)) throw std::invalid_argument("metric name \"" + name + "\" is not a valid Prometheus name");
  for (auto& e : m_entries) {
    if (e->name != name) continue;
    if (e->type != type || e->read) throw std::invalid_argument("metric \"" + name + "\" is already registered as a " + e->type);
    return *e;
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = type;
  m_entries.push_back(std::move(e));
  return *m_entries.back();
}

Family<Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  std::lock_guard lock(m_mutex);
  Entry& e = add(name, help, "counter");
  if (!e.counters) e.counters = std::make_unique<Family<Counter>>(std::move(label_names), [] { return std::make_unique<Counter>(); });
  return *e.counters;
}

Family<Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  std::lock_guard lock(m_mutex);
  Entry& e = add(name, help, "gauge");
  if (!e.gauges) e.gauges = std::make_unique<Family<Gauge>>(std::move(label_names), [] { return std::make_unique<Gauge>(); });
  return *e.gauges;
}

Family<Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                              std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard lock(m_mutex);
  Entry& e = add(name, help, "histogram");
  if (!e.histograms)
    e.histograms = std::make_unique<Family<Histogram>>(std::move(label_names), [bounds] { return std::make_unique<Histogram>(bounds); });
  return *e.histograms;
}

void MetricsRegistry::gauge_fn(const std::string& name, const std::string& help, std::function<double()> read) {
  std::lock_guard lock(m_mutex);
  for (const auto& e : m_entries)
    if (e->name == name) throw std::invalid_argument("metric \"" + name + "\" is already registered");
  if (!valid_name(name)) throw std::invalid_argument("metric name \"" + name + "\" is not a valid Prometheus name");
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = "gauge";
  e->read = std::move(read);
  m_entries.push_back(std::move(e));
}

std::string MetricsRegistry::exposition() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  for (const auto& e : m_entries) e->write(out);
  return out;
}

std::vector<double> latency_buckets_s() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace zonal::node
