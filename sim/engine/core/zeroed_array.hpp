#pragma once
/// A fixed-size array that starts all-zero without touching its memory: large arrays are
/// anonymous mappings, whose pages the kernel supplies (zeroed) only when first written, so the
/// entries a run never writes cost nothing resident (e.g. the timer slots of ten million peers
/// of which only the query origins ever arm one). Smaller arrays come from calloc. Arrays read
/// at random on every delivery may ask for transparent huge pages (as HugePageAllocator does),
/// at the price of 2 MiB becoming resident at a time once written.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace zonal::sim {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "all-zero bytes must be a valid T");

 public:
  ZeroedArray() noexcept = default;
  /// `size` entries, every byte zero; `huge_pages`: offer the mapping to transparent huge pages.
  explicit ZeroedArray(std::size_t size, [[maybe_unused]] bool huge_pages = false) : m_size(size) {
    if (size == 0) return;
    if (size > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
#if defined(__linux__)
    if (bytes() >= mapped_min_bytes) {
      void* p = ::mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      m_data = static_cast<T*>(p);
      m_mapped = true;
#if defined(MADV_HUGEPAGE)
      if (huge_pages) ::madvise(p, bytes(), MADV_HUGEPAGE);  // a hint; failure (no THP) changes nothing
#endif
      return;
    }
#endif
    m_data = static_cast<T*>(std::calloc(size, sizeof(T)));
    if (m_data == nullptr) throw std::bad_alloc();
  }
  ZeroedArray(ZeroedArray&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
        m_mapped(std::exchange(other.m_mapped, false)) {}
  ZeroedArray& operator=(ZeroedArray&& other) noexcept {
    if (this != &other) {
      release();
      m_data = std::exchange(other.m_data, nullptr);
      m_size = std::exchange(other.m_size, 0);
      m_mapped = std::exchange(other.m_mapped, false);
    }
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ~ZeroedArray() { release(); }

  T& operator[](std::size_t i) noexcept { return m_data[i]; }
  const T& operator[](std::size_t i) const noexcept { return m_data[i]; }
  T* data() noexcept { return m_data; }
  const T* data() const noexcept { return m_data; }
  std::size_t size() const noexcept { return m_size; }

 private:
  static constexpr std::size_t mapped_min_bytes = std::size_t{1} << 20;

  std::size_t bytes() const noexcept { return m_size * sizeof(T); }
  void release() noexcept {
#if defined(__linux__)
    if (m_mapped) {
      ::munmap(m_data, bytes());
      m_data = nullptr;
      return;
    }
#endif
    std::free(m_data);
    m_data = nullptr;
  }

  T* m_data = nullptr;
  std::size_t m_size = 0;
  bool m_mapped = false;
};

}  // namespace zonal::sim
