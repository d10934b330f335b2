#include "plot_svg.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace zonal::sim {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(v >= 100 ? 0 : 1) << v;
  return s.str();
}

struct StrategyColour {
  const char* strategy;
  const char* colour;
  const char* name;  ///< colour name in the legend
};

/// One colour per strategy (ColorBrewer Dark2).
constexpr StrategyColour strategy_colours[] = {{"flood", "#d95f02", "orange"},
                                               {"zone-flood", "#1b9e77", "green"},
                                               {"random-walk", "#e7298a", "pink"},
                                               {"expanding-ring", "#7570b3", "purple"},
                                               {"chord", "#e6ab02", "yellow"}};

const char* colour(const std::string& strategy) {
  for (const auto& c : strategy_colours) {
    if (strategy == c.strategy) return c.colour;
  }
  return "#666666";
}

/// Colour legend: the strategies that are plotted, in a fixed order.
std::string legend(const nlohmann::ordered_json& runs) {
  std::string text = "bar label: success rate";
  const char* separator = "; ";
  for (const auto& c : strategy_colours) {
    const std::string_view s = c.strategy;
    const bool plotted = std::any_of(runs.begin(), runs.end(),
                                     [&](const auto& r) { return r["strategy"].template get<std::string>() == s; });
    if (!plotted) continue;
    text += std::string(separator) + c.name + " = " + c.strategy;
    separator = ", ";
  }
  return text;
}

/// The x axis of the chart: linear from 0, or logarithmic (powers of ten) when the values span
/// two decades or more, so that small bars stay visible next to a whole-network flood.
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  ///< linear: [0, hi]; log: [lo, hi], both powers of ten
  double width = 520;

  static Axis of(const nlohmann::ordered_json& runs, double width) {
    Axis a;
    a.width = width;
    double max_v = 1, min_v = 0;
    for (const auto& r : runs) {
      const auto& m = r["metrics"]["messages_per_query"];
      const double mean = m["mean"].get<double>();
      max_v = std::max(max_v, mean + m["ci95"].get<double>());
      if (mean > 0 && (min_v == 0 || mean < min_v)) min_v = mean;
    }
    a.hi = max_v;
    if (min_v > 0 && max_v / min_v >= 100) {
      a.log = true;
      a.lo = std::pow(10.0, std::floor(std::log10(min_v)));
      a.hi = std::pow(10.0, std::ceil(std::log10(max_v)));
    }
    return a;
  }

  /// Offset from the axis origin of value `v`.
  double x(double v) const {
    if (!log) return width * v / hi;
    const double clamped = std::clamp(v, lo, hi);
    return width * (std::log10(clamped) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  }
};

}  // namespace

std::string messages_svg(const nlohmann::ordered_json& summary) {
  const auto& runs = summary["runs"];
  std::size_t longest = 0;
  for (const auto& r : runs) longest = std::max(longest, r["label"].get<std::string>().size());
  const double row_h = 34, top = 60, plot_w = 520;
  const double left = std::max(120.0, 30.0 + 7.5 * static_cast<double>(longest));  // room for the labels
  const double width = left + plot_w + 170;
  const Axis axis = Axis::of(runs, plot_w);
  const double height = top + row_h * static_cast<double>(runs.size()) + 50;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"20\" y=\"28\" font-size=\"17\" font-weight=\"bold\">" << escape(summary["scenario"].get<std::string>())
      << ": messages per query (mean, 95% CI" << (axis.log ? "; log scale" : "") << ")</text>\n"
      << "<text x=\"20\" y=\"46\" fill=\"#555\">" << legend(runs) << "</text>\n";
  double y = top;
  for (const auto& r : runs) {
    const auto& m = r["metrics"]["messages_per_query"];
    const double mean = m["mean"].get<double>(), ci = m["ci95"].get<double>();
    const double w = axis.x(mean);
    const std::string strategy = r["strategy"].get<std::string>();
    const double success = 100.0 * r["metrics"]["success_rate"]["mean"].get<double>();
    svg << "<text x=\"" << left - 10 << "\" y=\"" << y + 21 << "\" text-anchor=\"end\">" << escape(r["label"].get<std::string>())
        << "</text>\n"
        << "<rect x=\"" << left << "\" y=\"" << y + 6 << "\" width=\"" << std::max(1.0, w) << "\" height=\"" << row_h - 12
        << "\" fill=\"" << colour(strategy) << "\"/>\n";
    if (ci > 0) {
      const double x0 = left + axis.x(mean - ci), x1 = left + axis.x(mean + ci);
      svg << "<line x1=\"" << x0 << "\" x2=\"" << x1 << "\" y1=\"" << y + 17 << "\" y2=\"" << y + 17
          << "\" stroke=\"black\"/>\n";
    }
    svg << "<text x=\"" << left + std::max(1.0, w) + 8 << "\" y=\"" << y + 21 << "\">" << num(mean) << " msgs, "
        << num(success) << "% found</text>\n";
    y += row_h;
  }
  svg << "<line x1=\"" << left << "\" x2=\"" << left << "\" y1=\"" << top << "\" y2=\"" << y << "\" stroke=\"#333\"/>\n";
  if (axis.log) {
    for (double v = axis.lo; v <= axis.hi * 1.0001; v *= 10) {
      const char* anchor = v == axis.lo ? "start" : v * 10 > axis.hi * 1.0001 ? "end" : "middle";
      svg << "<text x=\"" << left + axis.x(v) << "\" y=\"" << y + 24 << "\" fill=\"#555\" text-anchor=\"" << anchor
          << "\">" << (v >= 1 ? std::to_string(std::llround(v)) : num(v)) << "</text>\n";
    }
    svg << "<text x=\"" << left + plot_w << "\" y=\"" << y + 42 << "\" fill=\"#555\" text-anchor=\"end\">messages per "
        << "query (log scale)</text>\n";
  } else {
    svg << "<text x=\"" << left << "\" y=\"" << y + 24 << "\" fill=\"#555\">0</text>\n"
        << "<text x=\"" << left + plot_w << "\" y=\"" << y + 24 << "\" fill=\"#555\" text-anchor=\"end\">" << num(axis.hi)
        << " messages per query</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace zonal::sim
