#pragma once
/// ZONAL_ASSERT(cond, msg): a checked precondition or invariant. When assertions are on and `cond`
/// is false, prints "file:line: assertion `cond` failed: msg" to stderr and aborts; `msg` (a string
/// literal, std::string or std::string_view) is evaluated only on failure. When off, neither is
/// evaluated.
///
/// Where it is on: ZONAL_ASSERTIONS=1 forces it on, ZONAL_ASSERTIONS=0 off; otherwise it follows
/// NDEBUG (on in debug builds, off in release builds). The simulator library (sim/CMakeLists.txt,
/// target zonal_sim_lib) defines ZONAL_ASSERTIONS=1 publicly, so zonal-sim, the tests and the
/// benchmarks check every assertion in sim/ and in the core headers they include, in every preset.
/// The core's own .cpp files (zonal_core) and the real nodes follow NDEBUG: on in the debug and
/// asan presets, off in release. Use it for conditions that are bugs of ours, never for remote
/// input (hostile input is validated and answered with an error).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#if !defined(ZONAL_ASSERTIONS)
#if defined(NDEBUG)
#define ZONAL_ASSERTIONS 0
#else
#define ZONAL_ASSERTIONS 1
#endif
#endif

namespace zonal {

/// Whether ZONAL_ASSERT checks in this translation unit (tests use it to skip death tests).
inline constexpr bool assertions_enabled = ZONAL_ASSERTIONS != 0;

namespace detail {
/// Called by ZONAL_ASSERT on a failed check: report it and abort (never returns).
[[noreturn]] inline void assert_fail(const char* cond, std::string_view msg, const char* file, int line) noexcept {
  std::fprintf(stderr, "%s:%d: assertion `%s` failed: %.*s\n", file, line, cond, static_cast<int>(msg.size()),
               msg.data());
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail
}  // namespace zonal

#if ZONAL_ASSERTIONS
#define ZONAL_ASSERT(cond, msg)                                                  \
  do {                                                                           \
    if (!(cond)) [[unlikely]]                                                    \
      ::zonal::detail::assert_fail(#cond, (msg), __FILE__, __LINE__);            \
  } while (false)
#else
#define ZONAL_ASSERT(cond, msg) \
  do {                          \
  } while (false && (cond))
#endif
