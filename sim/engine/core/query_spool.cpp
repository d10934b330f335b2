#include "engine/core/query_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace zonal::sim {
namespace {

static_assert(std::is_trivially_copyable_v<QueryRecord>, "query rows are spooled as raw bytes");
constexpr std::size_t buffer_rows = 4096;

std::runtime_error spool_error(const std::filesystem::path& dir, const char* what) {
  return std::runtime_error("query spool in " + dir.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

QuerySpool::QuerySpool(const std::filesystem::path& dir) : m_dir(dir) {
  std::string name = (dir / "zonal-queries-XXXXXX").string();
  m_fd = ::mkstemp(name.data());
  if (m_fd < 0) throw spool_error(dir, "cannot create a temporary file");
  ::unlink(name.c_str());  // gone with the process, however it ends
  m_buffer.reserve(buffer_rows);
}

QuerySpool::~QuerySpool() {
  if (m_fd >= 0) ::close(m_fd);
}

void QuerySpool::write_at(std::uint64_t offset, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(m_fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw spool_error(m_dir, "cannot write");
    p += n, offset += static_cast<std::uint64_t>(n), bytes -= static_cast<std::size_t>(n);
  }
}

void QuerySpool::append(const QueryRecord& rec) {
  m_buffer.push_back(rec);
  ++m_count;
  if (m_buffer.size() >= buffer_rows) flush();
}

void QuerySpool::flush() {
  if (m_buffer.empty()) return;
  write_at(std::uint64_t{m_written} * sizeof(QueryRecord), m_buffer.data(), m_buffer.size() * sizeof(QueryRecord));
  m_written += static_cast<std::uint32_t>(m_buffer.size());
  m_buffer.clear();
}

QueryRecord QuerySpool::read(std::uint32_t ordinal) {
  const std::uint32_t i = ordinal - 1;
  if (i >= m_written) return m_buffer.at(i - m_written);
  QueryRecord rec;
  auto* p = reinterpret_cast<char*>(&rec);
  std::size_t got = 0;
  while (got < sizeof rec) {
    const ssize_t n = ::pread(m_fd, p + got, sizeof rec - got, static_cast<off_t>(std::uint64_t{i} * sizeof rec + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw spool_error(m_dir, "cannot read");
    got += static_cast<std::size_t>(n);
  }
  return rec;
}

void QuerySpool::write(std::uint32_t ordinal, const QueryRecord& rec) {
  const std::uint32_t i = ordinal - 1;
  if (i >= m_written) {
    m_buffer.at(i - m_written) = rec;
    return;
  }
  write_at(std::uint64_t{i} * sizeof rec, &rec, sizeof rec);
}

void QuerySpool::for_each(const std::function<void(const QueryRecord&)>& f) const {
  std::vector<QueryRecord> chunk(buffer_rows);
  for (std::uint32_t at = 0; at < m_written;) {
    const std::size_t rows = std::min<std::size_t>(buffer_rows, m_written - at);
    auto* p = reinterpret_cast<char*>(chunk.data());
    std::size_t want = rows * sizeof(QueryRecord), got = 0;
    while (got < want) {
      const ssize_t n = ::pread(m_fd, p + got, want - got, static_cast<off_t>(std::uint64_t{at} * sizeof(QueryRecord) + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw spool_error(m_dir, "cannot read");
      got += static_cast<std::size_t>(n);
    }
    for (std::size_t k = 0; k < rows; ++k) f(chunk[k]);
    at += static_cast<std::uint32_t>(rows);
  }
  for (const QueryRecord& rec : m_buffer) f(rec);
}

void for_each_query(const RunResult& run, const std::function<void(const QueryRecord&)>& f) {
  if (run.query_spool) return run.query_spool->for_each(f);
  for (const QueryRecord& q : run.queries) f(q);
}

std::size_t query_count(const RunResult& run) {
  return run.query_spool ? run.query_spool->size() : run.queries.size();
}

}  // namespace zonal::sim
