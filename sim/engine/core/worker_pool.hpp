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
#include <memory>
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
  /// visible to the caller afterwards. Thread t (the caller is 0) tries chunk t first, then the
  /// next ones, so that with as many chunks as threads each chunk stays on its thread from run
  /// to run while all of them are scheduled (its data stays in that core's caches). Call from
  /// one thread at a time, with at most max_chunks chunks; `task` must not throw.
  void run(std::uint32_t chunks, const std::function<void(std::uint32_t)>& task);
  /// The most chunks run() takes.
  static constexpr std::uint32_t max_chunks = 1024;

 private:
  void work(std::uint32_t self);
  void claim_and_run(std::uint64_t run, std::uint32_t self);

  std::vector<std::thread> m_threads;
  const std::function<void(std::uint32_t)>* m_task = nullptr;
  std::atomic<std::uint64_t> m_run{0};  // (generation << 32) | chunks of the current run()
  // Per chunk: the generation of the run() that claimed it last; a thread claims a chunk of the
  // current run() by moving it from an older generation to the current one.
  std::unique_ptr<std::atomic<std::uint32_t>[]> m_claimed;
  std::atomic<std::uint32_t> m_done{0};        // chunks of the current run() finished
  std::atomic<std::uint32_t> m_generation{0};  // bumped once per run(): the workers' start signal
  std::atomic<std::uint32_t> m_sleepers{0};    // workers asleep on m_generation (futex)
  std::atomic<bool> m_stop{false};
};

}  // namespace zonal::sim
