#pragma once
/// The downloads of a node, running and recent (the web page's progress bars): name, size,
/// bytes so far, state (running, done, failed) and error. Keeps the last `max_entries` finished
/// ones. Thread-safe.
#include <cstdint>
#include <list>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::node {

class DownloadBoard {
 public:
  explicit DownloadBoard(std::size_t max_entries = 32) : m_max(max_entries) {}

  /// A download of `name` starts (a finished entry of the same name is replaced).
  void begin(const std::string& name);
  /// `bytes` of `size` are present.
  void progress(const std::string& name, std::uint64_t bytes, std::uint64_t size);
  /// The download ended: `error` empty on success.
  void finish(const std::string& name, const std::string& error);
  /// {"downloads": [{name, size, bytes, state, error, started_ms, ended_ms}]}, newest first.
  nlohmann::json list() const;

 private:
  struct Entry {
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t bytes = 0;
    std::string state = "running";
    std::string error;
    std::int64_t started_ms = 0;
    std::int64_t ended_ms = 0;
  };
  Entry* find(const std::string& name);

  std::size_t m_max;
  mutable std::mutex m_mutex;
  std::list<Entry> m_entries;  ///< newest first
};

}  // namespace zonal::node
