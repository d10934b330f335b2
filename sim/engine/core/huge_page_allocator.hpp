#pragma once
/// Allocator for the simulator's big per-peer arrays (a million peers' hot state): arrays of at
/// least one huge page are aligned to 2 MiB and offered to the kernel's transparent huge pages
/// (madvise), so random accesses across them cost far fewer TLB misses (a page walk per access
/// otherwise, doubly expensive in a VM). Only a hint: without transparent huge pages nothing
/// changes. Smaller arrays come from operator new.
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace zonal::sim {

template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}

  /// Storage for `n` objects; std::vector calls it.
  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T) - huge_page_bytes) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page_bytes) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
    void* p = std::aligned_alloc(huge_page_bytes, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint; failure (no THP) changes nothing
#endif
    return static_cast<T*>(p);
  }
  /// Give back what allocate(n) returned.
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < huge_page_bytes) {
      ::operator delete(p, std::align_val_t{alignof(T)});
    } else {
      std::free(p);
    }
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace zonal::sim
