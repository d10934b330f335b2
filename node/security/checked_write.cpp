#include "checked_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace zonal::node {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& step) {
  throw WriteError(path.string() + ": " + step + " failed: " + std::strerror(errno));
}

/// Owns a file descriptor; closes it (unchecked) if the write is abandoned.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void fsync_dir(const std::filesystem::path& dir) {
  Fd d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) fail(dir, "open directory");
  if (::fsync(d.fd) != 0) fail(dir, "fsync directory");
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)};
    if (f.fd < 0) fail(tmp, "create");
    if (::fchmod(f.fd, mode) != 0) fail(tmp, "chmod");
    std::size_t done = 0;
    while (done < data.size()) {
      const auto n = ::write(f.fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::unlink(tmp.c_str());
        fail(tmp, "write");
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0) {
      ::unlink(tmp.c_str());
      fail(tmp, "fsync");
    }
    const int fd = std::exchange(f.fd, -1);
    if (::close(fd) != 0) {
      ::unlink(tmp.c_str());
      fail(tmp, "close");
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail(path, "rename");
  }
  fsync_dir(path.parent_path());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WriteError(path.string() + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw WriteError(path.string() + ": read failed");
  return ss.str();
}

}  // namespace zonal::node
