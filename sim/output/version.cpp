#include "output/version.hpp"

#ifndef ZONAL_VERSION
#error "ZONAL_VERSION must be defined by the build"
#endif
#ifndef ZONAL_COMMIT
#define ZONAL_COMMIT "unknown"
#endif

namespace zonal::sim {

std::string zonal_version() { return ZONAL_VERSION; }

std::string zonal_commit() { return ZONAL_COMMIT; }

}  // namespace zonal::sim
