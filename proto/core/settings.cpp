#include "zonal/settings.hpp"

namespace zonal {

std::string UintSetting::range_error(std::uint64_t v) const {
  return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + std::to_string(v);
}

std::string UintSetting::range_text() const { return std::to_string(min) + ".." + std::to_string(max); }

std::optional<Strategy> parse_strategy(std::string_view name) noexcept {
  for (Strategy s : all_strategies)
    if (name == strategy_name(s)) return s;
  return std::nullopt;
}

std::string strategy_choices() {
  std::string text;
  for (std::size_t i = 0; i < all_strategies.size(); ++i) {
    if (i > 0) text += i + 1 == all_strategies.size() ? " or " : ", ";
    text += strategy_name(all_strategies[i]);
  }
  return text;
}

std::optional<ZonePlacement> parse_zone_placement(std::string_view name) noexcept {
  for (ZonePlacement p : {ZonePlacement::random, ZonePlacement::rendezvous})
    if (name == zone_placement_name(p)) return p;
  return std::nullopt;
}

std::optional<ZoneEntry> parse_zone_entry(std::string_view name) noexcept {
  for (ZoneEntry e : {ZoneEntry::top, ZoneEntry::any_keeper})
    if (name == zone_entry_name(e)) return e;
  return std::nullopt;
}

}  // namespace zonal
