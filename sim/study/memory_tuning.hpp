#pragma once
/// Allocator settings for long simulations: flood waves grow and shrink the event buckets
/// constantly; letting glibc return that memory to the OS turns every wave into page faults.

namespace zonal::sim {

/// Keep freed memory in the process heap (no trimming, no per-allocation mmap).
/// Call once at the start of main() of a simulator or benchmark executable.
void tune_allocator_for_simulation() noexcept;

}  // namespace zonal::sim
