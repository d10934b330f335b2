#include "engine/core/worker_pool.hpp"

namespace zonal::sim {
namespace {

/// Spin iterations (a pause each) before a waiting worker yields, and yields before it sleeps:
/// tens of microseconds of spinning (a window's sequential phase is about that long), then some
/// yielding (a loaded machine gets its core back), then a futex wait that costs the next run()
/// a wake-up.
constexpr int spin_rounds = 4000;
constexpr int yield_rounds = 100;

inline void cpu_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

WorkerPool::WorkerPool(unsigned workers) {
  for (unsigned w = 1; w < workers; ++w) m_threads.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  m_stop.store(true);
  m_generation.fetch_add(1);
  m_generation.notify_all();
  for (auto& t : m_threads) t.join();
}

void WorkerPool::run(std::uint32_t chunks, const std::function<void(std::uint32_t)>& task) {
  if (m_threads.empty() || chunks <= 1) {
    for (std::uint32_t c = 0; c < chunks; ++c) task(c);
    return;
  }
  const std::uint32_t generation = m_generation.load(std::memory_order_relaxed) + 1;
  m_task = &task;
  m_chunks.store(chunks, std::memory_order_relaxed);
  m_done.store(0, std::memory_order_relaxed);
  m_claim.store(static_cast<std::uint64_t>(generation) << 32, std::memory_order_release);  // claims open
  m_generation.store(generation);  // seq_cst: ordered with the sleepers check below (Dekker)
  if (m_sleepers.load() > 0) m_generation.notify_all();
  while (claim_and_run(generation)) {
  }
  for (int round = 0; m_done.load(std::memory_order_acquire) != chunks; ++round) {
    if (round < spin_rounds) cpu_pause();
    else std::this_thread::yield();  // a worker was preempted inside a chunk
  }
}

// Claim the next chunk of run() `generation` and run it; false when none is left (or that
// run() is over).
bool WorkerPool::claim_and_run(std::uint32_t generation) {
  std::uint64_t claim = m_claim.load(std::memory_order_acquire);
  for (;;) {
    if (static_cast<std::uint32_t>(claim >> 32) != generation) return false;
    if (static_cast<std::uint32_t>(claim) >= m_chunks.load(std::memory_order_relaxed)) return false;
    if (m_claim.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
  }
  (*m_task)(static_cast<std::uint32_t>(claim));  // m_task and m_chunks were written before the claims opened
  m_done.fetch_add(1, std::memory_order_release);
  return true;
}

void WorkerPool::work() {
  std::uint32_t seen = 0;
  for (;;) {
    std::uint32_t now = m_generation.load(std::memory_order_acquire);
    for (int round = 0; now == seen; ++round, now = m_generation.load(std::memory_order_acquire)) {
      if (round < spin_rounds) {
        cpu_pause();
      } else if (round < spin_rounds + yield_rounds) {
        std::this_thread::yield();
      } else {
        m_sleepers.fetch_add(1);  // seq_cst, then the generation is read again: run() sees us or we see it
        if (m_generation.load() == seen) m_generation.wait(seen);
        m_sleepers.fetch_sub(1);
      }
    }
    seen = now;
    if (m_stop.load(std::memory_order_acquire)) return;
    while (claim_and_run(now)) {
    }
  }
}

}  // namespace zonal::sim
