#include "fd_limit.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zonal::node {

std::uint64_t set_open_files_limit(std::uint64_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("cannot read the open-files limit: {}", std::strerror(errno));
    return 0;
  }
  const rlim_t target = lim.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(wanted) : std::min<rlim_t>(wanted, lim.rlim_max);
  if (target != lim.rlim_cur) {
    const rlim_t before = lim.rlim_cur;
    lim.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
      spdlog::warn("cannot set the open-files limit to {}: {} (staying at {})", target, std::strerror(errno), before);
      return before;
    }
    if (target < wanted)
      spdlog::warn("open-files limit {} (limits.open_files asks for {}; the hard limit allows no more: raise LimitNOFILE)", target, wanted);
    else
      spdlog::info("open-files limit {} (was {})", target, before);
  }
  return target;
}

}  // namespace zonal::node
