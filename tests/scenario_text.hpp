#pragma once
/// Test helpers: parse scenario documents given as JSON text, and catch their errors.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace zonal::sim::test {

/// Directory relative topology files are resolved against (the repository's scenarios/).
inline std::filesystem::path scenarios_dir() { return std::filesystem::path(ZONAL_SOURCE_DIR) / "scenarios"; }

/// Parse and validate `text`; throws ScenarioError (or nlohmann's parse error for bad JSON).
inline ScenarioPlan parse_text(std::string_view text) {
  return parse_scenario(nlohmann::json::parse(text), scenarios_dir());
}

/// what() of the ScenarioError that parsing `text` throws ("" if it parses).
inline std::string error_of(std::string_view text) {
  try {
    parse_text(text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace zonal::sim::test
