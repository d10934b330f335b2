#pragma once
/// The zonal version compiled into zonal-sim (CMake's project version) and the source commit
/// seen when the build was configured.
#include <string>

namespace zonal::sim {

/// "0.1.0": recorded in run.json and part of every run's configuration hash.
std::string zonal_version();

/// Git commit of the source tree at configure time ("unknown" outside a git checkout); goes to
/// provenance.json only, never into compared result files.
std::string zonal_commit();

}  // namespace zonal::sim
