#pragma once
/// A small pool of threads that share the chunks of one task, many times a second. Built for
/// the conservative windows of `--threads` (engine/flood/flood_parallel.cpp), which hand the
/// pool a few hundred deliveries at a time: a condition variable per window would cost more
/// than the work, so idle workers spin (then yield, then sleep on a futex), and chunks are
/// claimed, not assigned: the calling thread takes part and takes the chunks of a worker that
/// the scheduler has not run yet, so a busy machine slows a run down but never stalls it on a
/// sleeping thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace zonal::sim {

class WorkerPool {
 public:
  /// `workers` >= 1 threads in all, the calling thread included (1: none is started).
  explicit WorkerPool(unsigned workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Threads in all, the calling thread included.
  unsigned size() const noexcept { return static_cast<unsigned>(m_threads.size()) + 1; }
  /// Run `task(c)` once for every chunk c in [0, chunks), each on whichever thread claims it
  /// first (the caller too), and return when all are done; everything the chunks did is
  /// visible to the caller afterwards. Call from one thread at a time; `task` must not throw.
  void run(std::uint32_t chunks, const std::function<void(std::uint32_t)>& task);

 private:
  void work();
  bool claim_and_run(std::uint32_t generation);

  std::vector<std::thread> m_threads;
  const std::function<void(std::uint32_t)>* m_task = nullptr;
  std::atomic<std::uint32_t> m_chunks{0};
  // (generation << 32) | next chunk: a thread claims a chunk of the current run() only.
  std::atomic<std::uint64_t> m_claim{0};
  std::atomic<std::uint32_t> m_done{0};        // chunks of the current run() finished
  std::atomic<std::uint32_t> m_generation{0};  // bumped once per run(): the workers' start signal
  std::atomic<std::uint32_t> m_sleepers{0};    // workers asleep on m_generation (futex)
  std::atomic<bool> m_stop{false};
};

}  // namespace zonal::sim
