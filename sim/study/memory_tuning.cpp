#include "study/memory_tuning.hpp"

#include <malloc.h>

namespace zonal::sim {

void tune_allocator_for_simulation() noexcept {
#ifdef M_TRIM_THRESHOLD
  mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);  // large vectors come from the heap and are reused
  mallopt(M_TRIM_THRESHOLD, -1);                  // never give the heap top back between waves
#endif
}

}  // namespace zonal::sim
