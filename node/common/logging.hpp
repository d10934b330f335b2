#pragma once
/// spdlog set-up shared by the executables: one stderr logger, level from the config.
#include <string_view>

namespace zonal::node {

/// Configure the default spdlog logger for `role` ("tracker", "node 3") at `level`; call once at start.
void setup_logging(std::string_view role, std::string_view level);

}  // namespace zonal::node
