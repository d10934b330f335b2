#pragma once
/// One Boost.Asio io_context run by its own thread: the home of a sans-IO core in a real node
/// (PeerRuntime, ChordRuntime). Internal to their .cpp files, so Asio stays out of their headers.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdint>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace zonal::node {

class IoLoop {
 public:
  /// Start the thread; it runs until stop().
  IoLoop() : m_work(boost::asio::make_work_guard(m_io)), m_thread([this] { m_io.run(); }) {}
  ~IoLoop() { stop([] {}); }
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  boost::asio::io_context& io() noexcept { return m_io; }
  bool stopped() const noexcept { return m_stopped; }

  /// Run `fn` on the loop's thread later; call from any thread.
  template <class Fn>
  void post(Fn fn) {
    boost::asio::post(m_io, std::move(fn));
  }

  /// Run `fn` on the loop's thread and wait for its result; nullopt on timeout or when stopped.
  /// A call that timed out is abandoned: `fn` is skipped if it has not started yet, so a slow
  /// loop does not pile up work nobody waits for.
  template <class Fn>
  auto call(Fn fn, std::chrono::milliseconds wait = std::chrono::seconds(5)) -> std::optional<decltype(fn())> {
    if (m_stopped) return std::nullopt;
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto abandoned = std::make_shared<std::atomic<bool>>(false);
    auto result = task->get_future();
    ++m_queued;
    boost::asio::post(m_io, [this, task, abandoned] {
      --m_queued;
      if (abandoned->exchange(true)) {
        ++m_abandoned;
        return;  // the caller gave up: skip
      }
      (*task)();
    });
    if (result.wait_for(wait) != std::future_status::ready) {
      if (abandoned->exchange(true)) return result.get();  // it started meanwhile: wait for it
      return std::nullopt;
    }
    return result.get();
  }

  /// Calls posted by call() that have not run yet (the loop's backlog).
  std::size_t queued() const noexcept { return m_queued.load(); }
  /// Calls skipped because their caller had given up waiting.
  std::uint64_t abandoned() const noexcept { return m_abandoned.load(); }

  /// Run `last` on the thread (cancel timers, fail pending work), then let the thread finish and
  /// join it; idempotent. Call from any thread but the loop's own.
  void stop(std::function<void()> last) {
    if (m_stopped.exchange(true)) return;
    boost::asio::post(m_io, [this, last = std::move(last)] {
      last();
      m_work.reset();
    });
    if (m_thread.joinable()) m_thread.join();
  }

 private:
  boost::asio::io_context m_io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_work;
  std::atomic<bool> m_stopped{false};
  std::atomic<std::size_t> m_queued{0};
  std::atomic<std::uint64_t> m_abandoned{0};
  std::thread m_thread;
};

}  // namespace zonal::node
