#include "checked_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace zonal::node {

CheckedFile::CheckedFile(std::filesystem::path path, Mode mode) : m_path(std::move(path)) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == Mode::truncate ? O_TRUNC : O_APPEND);
  m_fd = ::open(m_path.c_str(), flags, 0644);
  if (m_fd < 0) fail("cannot open", errno);
}

CheckedFile::~CheckedFile() {
  if (m_fd >= 0) ::close(m_fd);
}

void CheckedFile::fail(const char* what, int error) const {
  throw FileError(FileErrorKind::io, std::string(what) + " " + m_path.string() + ": " + std::strerror(error));
}

void CheckedFile::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(m_fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", errno);
    if (n == 0) fail("cannot write", EIO);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void CheckedFile::close() {
  if (::fsync(m_fd) != 0) {
    const int error = errno;
    ::close(m_fd);
    m_fd = -1;
    fail("cannot sync", error);
  }
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) fail("cannot close", errno);
}

std::uint64_t CheckedFile::size_on_disk() const {
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) fail("cannot inspect", errno);
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace zonal::node
