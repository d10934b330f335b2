#pragma once
/// The machine-readable ready signal that scripts and tests wait for.
#include <filesystem>

#include <nlohmann/json.hpp>

namespace zonal::node {

/// Print `info` as one JSON line on stdout (flushed) and, when `dir` is not empty, write it
/// atomically to `dir`/ready.json. Call once the process serves requests.
void announce_ready(const nlohmann::json& info, const std::filesystem::path& dir);

}  // namespace zonal::node
