#pragma once
/// SHA-256 on a second thread: a download hands each received chunk over and keeps receiving
/// while the previous chunks are hashed (a bounded queue keeps memory at a few chunks).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "sha256.hpp"

namespace zonal::node {

class HashPipeline {
 public:
  /// Hash into `hash` (which may already hold a prefix); starts the hashing thread.
  explicit HashPipeline(Sha256& hash, std::size_t depth_max = 8);
  ~HashPipeline();
  HashPipeline(const HashPipeline&) = delete;
  HashPipeline& operator=(const HashPipeline&) = delete;

  /// Queue `bytes` to be hashed after everything pushed before; blocks while the queue is full.
  void push(std::string bytes);
  /// Wait until everything pushed is hashed and return the digest; call once.
  Digest finish();

 private:
  void run();
  void stop();

  Sha256& m_hash;
  std::size_t m_depth_max;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::string> m_queue;
  bool m_closed = false;
  std::thread m_thread;
};

}  // namespace zonal::node
