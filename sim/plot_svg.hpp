#pragma once
/// A dependency-free SVG bar chart of messages per query (with 95% CI whiskers) per run.
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::sim {

/// Render the chart for a summary.json document; call when writing results.
std::string messages_svg(const nlohmann::ordered_json& summary);

}  // namespace zonal::sim
