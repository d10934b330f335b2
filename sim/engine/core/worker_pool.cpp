#include "engine/core/worker_pool.hpp"

#include <string>

#include "zonal/assert.hpp"

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

WorkerPool::WorkerPool(unsigned workers) : m_claimed(std::make_unique<std::atomic<std::uint32_t>[]>(max_chunks)) {
  for (std::uint32_t c = 0; c < max_chunks; ++c) m_claimed[c].store(0, std::memory_order_relaxed);
  for (unsigned w = 1; w < workers; ++w) m_threads.emplace_back([this, w] { work(w); });
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
  ZONAL_ASSERT(chunks <= max_chunks, "WorkerPool::run: " + std::to_string(chunks) + " chunks");
  const std::uint32_t generation = m_generation.load(std::memory_order_relaxed) + 1;
  const std::uint64_t run = std::uint64_t{generation} << 32 | chunks;
  m_task = &task;
  m_done.store(0, std::memory_order_relaxed);
  m_run.store(run, std::memory_order_release);
  m_generation.store(generation);  // seq_cst: claims open; ordered with the sleepers check below (Dekker)
  if (m_sleepers.load() > 0) m_generation.notify_all();
  claim_and_run(run, 0);
  for (int round = 0; m_done.load(std::memory_order_acquire) != chunks; ++round) {
    if (round < spin_rounds) cpu_pause();
    else std::this_thread::yield();  // a worker was preempted inside a chunk
  }
}

// Claim and run every chunk of `run` ((generation << 32) | chunks) not claimed yet, from chunk
// `self` on. A chunk is claimed by moving its generation up to the run's: a worker late for a
// finished run finds every chunk of it at that run's generation or a later one.
void WorkerPool::claim_and_run(std::uint64_t run, std::uint32_t self) {
  const auto generation = static_cast<std::uint32_t>(run >> 32);
  const auto chunks = static_cast<std::uint32_t>(run);
  for (std::uint32_t i = 0; i < chunks; ++i) {
    const std::uint32_t c = (self + i) % chunks;
    std::uint32_t seen = m_claimed[c].load(std::memory_order_relaxed);
    while (static_cast<std::int32_t>(seen - generation) < 0) {  // not claimed in this run (wraps after 2^31 runs)
      if (!m_claimed[c].compare_exchange_weak(seen, generation, std::memory_order_acq_rel)) continue;
      (*m_task)(c);  // m_task was written before the run was published
      m_done.fetch_add(1, std::memory_order_release);
      break;
    }
  }
}

void WorkerPool::work(std::uint32_t self) {
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
    claim_and_run(m_run.load(std::memory_order_acquire), self);
  }
}

}  // namespace zonal::sim
