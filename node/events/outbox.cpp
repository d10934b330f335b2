#include "outbox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace zonal::node {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t line_bytes_max = 1 << 20;

std::string errno_text() { return std::strerror(errno); }

/// Write all of `data` to `fd`; false on any failure.
bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string segment_name(std::uint64_t first_seq) {
  std::string digits = std::to_string(first_seq);
  return std::string(20 - digits.size(), '0') + digits + ".seg";
}

/// "<seq> <key> <body>" -> entry; nullopt when malformed.
std::optional<OutboxEntry> parse_line(const std::string& line) {
  const auto a = line.find(' ');
  const auto b = a == std::string::npos ? a : line.find(' ', a + 1);
  if (a == 0 || b == std::string::npos || b == a + 1 || b + 1 >= line.size()) return std::nullopt;
  const std::string seq = line.substr(0, a);
  if (seq.size() > 19 || seq.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return OutboxEntry{std::stoull(seq), line.substr(a + 1, b - a - 1), line.substr(b + 1)};
}

}  // namespace

Outbox::Outbox(fs::path dir, std::size_t max_events, std::size_t segment_events)
    : m_dir(std::move(dir)), m_max_events(max_events), m_segment_events(std::max<std::size_t>(1, segment_events)) {
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec) throw std::runtime_error("outbox: cannot create " + m_dir.string() + ": " + ec.message());
  load();
}

Outbox::~Outbox() {
  if (m_fd >= 0) {
    ::fsync(m_fd);
    ::close(m_fd);
  }
}

void Outbox::load() {
  if (std::ifstream mark(m_dir / "confirmed"); mark) {
    std::string text;
    std::getline(mark, text);
    if (!text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos)
      m_confirmed_seq = std::stoull(text);
    else
      spdlog::error("outbox: {} is malformed (\"{}\"); republishing every event kept", (m_dir / "confirmed").string(), text);
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(m_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() != 24 || !name.ends_with(".seg") || name.find_first_not_of("0123456789") != 20) continue;
    m_segments.emplace_back(std::stoull(name.substr(0, 20)), e.path());
  }
  if (ec) throw std::runtime_error("outbox: cannot list " + m_dir.string() + ": " + ec.message());
  std::sort(m_segments.begin(), m_segments.end());
  for (std::size_t i = 0; i < m_segments.size(); ++i) load_segment(m_segments[i].second, i + 1 == m_segments.size());
  m_next_seq = std::max(m_next_seq, m_confirmed_seq + 1);
  m_synced_seq = m_next_seq - 1;
  delete_confirmed_segments();
  if (!m_pending.empty())
    spdlog::info("outbox {}: {} unconfirmed event(s) from an earlier run will be published", m_dir.string(), m_pending.size());
}

void Outbox::load_segment(const fs::path& file, bool last) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("outbox: cannot read " + file.string());
  std::string line;
  std::uint64_t good_bytes = 0;
  std::size_t bad = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: a torn last write
    good_bytes += line.size() + 1;
    auto entry = line.size() <= line_bytes_max ? parse_line(line) : std::nullopt;
    if (!entry || entry->seq < m_next_seq) {
      ++bad;
      continue;
    }
    m_next_seq = entry->seq + 1;
    if (entry->seq > m_confirmed_seq) m_pending.push_back(std::move(*entry));
  }
  if (bad > 0) spdlog::error("outbox: skipped {} malformed or out-of-order line(s) in {}", bad, file.string());
  std::error_code ec;
  if (last && fs::file_size(file, ec) != good_bytes && !ec) {
    spdlog::warn("outbox: cutting a torn last record off {}", file.string());
    fs::resize_file(file, good_bytes, ec);
    if (ec) throw std::runtime_error("outbox: cannot truncate " + file.string() + ": " + ec.message());
  }
  fsync_path(file, O_RDONLY);
}

bool Outbox::open_segment(std::uint64_t first_seq) {
  if (m_fd >= 0) {
    if (::fsync(m_fd) != 0) {
      spdlog::error("outbox: fsync of segment {} failed: {}", segment_name(m_segment_first), errno_text());
      return false;
    }
    ::close(m_fd);
    m_fd = -1;
    m_synced_seq = std::max(m_synced_seq, first_seq - 1);
  }
  const fs::path file = m_dir / segment_name(first_seq);
  m_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    spdlog::error("outbox: cannot open {}: {}", file.string(), errno_text());
    return false;
  }
  fsync_path(m_dir, O_RDONLY | O_DIRECTORY);
  m_segment_first = first_seq;
  m_segment_count = 0;
  m_segments.emplace_back(first_seq, file);
  return true;
}

AppendResult Outbox::append(const std::string& routing_key, const std::string& body) {
  if (routing_key.empty() || routing_key.find_first_of(" \n") != std::string::npos || body.find('\n') != std::string::npos ||
      body.size() > line_bytes_max)
    throw std::invalid_argument("outbox: routing key or body not a single line (key \"" + routing_key + "\")");
  std::lock_guard lock(m_mutex);
  if (m_pending.size() >= m_max_events) return AppendResult::full;
  if ((m_fd < 0 || m_segment_count >= m_segment_events) && !open_segment(m_next_seq)) return AppendResult::io_error;
  const std::uint64_t seq = m_next_seq;
  const std::string line = std::to_string(seq) + ' ' + routing_key + ' ' + body + '\n';
  struct stat st {};
  const bool sized = ::fstat(m_fd, &st) == 0;
  if (!sized || !write_all(m_fd, line)) {
    spdlog::error("outbox: write to segment {} failed: {}", segment_name(m_segment_first), errno_text());
    if (sized && ::ftruncate(m_fd, st.st_size) != 0) {  // leave no half record behind
      ::close(m_fd);
      m_fd = -1;
    }
    return AppendResult::io_error;
  }
  ++m_next_seq;
  ++m_segment_count;
  m_pending.push_back(OutboxEntry{seq, routing_key, body});
  return AppendResult::ok;
}

bool Outbox::sync() {
  int fd = -1;
  std::uint64_t target = 0;
  {
    std::lock_guard lock(m_mutex);
    target = m_next_seq - 1;
    if (target <= m_synced_seq) return true;
    if (m_fd >= 0) fd = ::dup(m_fd);
    if (fd < 0) return false;
  }
  const bool ok = ::fsync(fd) == 0;  // outside the lock: appenders are not held up by the disk
  if (!ok) spdlog::error("outbox: fsync failed: {}", errno_text());
  ::close(fd);
  if (!ok) return false;
  std::lock_guard lock(m_mutex);
  m_synced_seq = std::max(m_synced_seq, target);
  return true;
}

std::vector<OutboxEntry> Outbox::synced_after(std::uint64_t after_seq, std::size_t n) const {
  std::lock_guard lock(m_mutex);
  std::vector<OutboxEntry> out;
  for (const auto& e : m_pending) {
    if (out.size() >= n || e.seq > m_synced_seq) break;
    if (e.seq > after_seq) out.push_back(e);
  }
  return out;
}

bool Outbox::write_mark(std::uint64_t seq) {
  const fs::path tmp = m_dir / "confirmed.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write_all(fd, std::to_string(seq) + "\n") && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (m_dir / "confirmed").c_str()) != 0) return false;
  return fsync_path(m_dir, O_RDONLY | O_DIRECTORY);
}

bool Outbox::confirm_through(std::uint64_t seq) {
  std::lock_guard lock(m_mutex);
  if (seq <= m_confirmed_seq) return true;
  if (!write_mark(seq)) {
    spdlog::error("outbox: cannot write {}: {}", (m_dir / "confirmed").string(), errno_text());
    return false;
  }
  m_confirmed_seq = seq;
  while (!m_pending.empty() && m_pending.front().seq <= seq) m_pending.pop_front();
  delete_confirmed_segments();
  return true;
}

void Outbox::delete_confirmed_segments() {
  // Segment i ends where segment i+1 begins; the open segment is kept.
  while (m_segments.size() >= 2 && m_segments[1].first - 1 <= m_confirmed_seq &&
         !(m_fd >= 0 && m_segments[0].first == m_segment_first)) {
    std::error_code ec;
    fs::remove(m_segments[0].second, ec);
    if (ec) spdlog::warn("outbox: cannot delete {}: {}", m_segments[0].second.string(), ec.message());
    m_segments.erase(m_segments.begin());
  }
}

std::size_t Outbox::depth() const {
  std::lock_guard lock(m_mutex);
  return m_pending.size();
}

bool Outbox::has_room() const {
  std::lock_guard lock(m_mutex);
  return m_pending.size() < m_max_events;
}

std::uint64_t Outbox::confirmed_seq() const {
  std::lock_guard lock(m_mutex);
  return m_confirmed_seq;
}

}  // namespace zonal::node
