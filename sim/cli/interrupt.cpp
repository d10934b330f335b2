#include "interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <time.h>

namespace zonal::sim::cli {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatcher::InterruptWatcher(std::atomic<bool>& stop) : m_stop(stop) {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  m_thread = std::thread([this] {
    const sigset_t watched = stop_signals();
    const timespec poll{0, 100'000'000};  // 100 ms: how fast the destructor is noticed
    while (!m_done.load()) {
      const int sig = sigtimedwait(&watched, nullptr, &poll);
      if (sig > 0) {
        m_signal = sig;
        m_stop = true;
        return;
      }
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  m_done = true;
  m_thread.join();
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace zonal::sim::cli
