// libFuzzer target: arbitrary text into the simulator's scenario loader. Valid JSON must be
// accepted or refused with a ScenarioError naming the field; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;  // not JSON: load_scenario refuses it before parsing
  try {
    (void)zonal::sim::parse_scenario(doc, "/nonexistent-zonal-fuzz-dir");
  } catch (const zonal::sim::ScenarioError&) {
    // refused with a message: fine
  }
  return 0;
}
