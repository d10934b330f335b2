#include "query_counter.hpp"

#include <charconv>
#include <string>

#include "checked_write.hpp"

namespace zonal::node {

QueryCounterStore::QueryCounterStore(std::filesystem::path file) : m_file(std::move(file)) {
  std::uint32_t previous = 0;
  if (std::filesystem::exists(m_file)) {
    std::string text = read_file(m_file);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), previous);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      throw WriteError(m_file.string() + ": must hold one query counter (0..4294967295), got \"" + text.substr(0, 40) + "\"");
  }
  m_start = previous;  // every counter up to `previous` may have been used by an earlier run
  reserve(previous + block);  // wraps after 2^32 queries: the oldest ids are long forgotten by then
}

void QueryCounterStore::note_used(std::uint32_t counter) {
  std::lock_guard lock(m_mutex);
  // Distance to the end of the reservation; more than a block means the counter wrapped past it.
  const auto left = static_cast<std::uint32_t>(m_reserved_end - counter);
  if (left < block / 2 || left > block) reserve(counter + block);
}

void QueryCounterStore::reserve(std::uint32_t end) {
  write_file_atomic(m_file, std::to_string(end) + "\n", 0644);
  m_reserved_end = end;
}

}  // namespace zonal::node
