#pragma once
/// A file written through POSIX calls whose every result is checked: write (short writes
/// retried), fsync and close. Disk full, quota or file-size limits surface as FileError(io)
/// naming the file and the cause, never as a silently short file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "file_error.hpp"

namespace zonal::node {

class CheckedFile {
 public:
  enum class Mode { truncate, append };

  /// Open (creating, mode 0644) `path`; throws FileError(io) when it cannot.
  CheckedFile(std::filesystem::path path, Mode mode);
  /// Closes without checking if close() was not called (an error path is already failing).
  ~CheckedFile();
  CheckedFile(const CheckedFile&) = delete;
  CheckedFile& operator=(const CheckedFile&) = delete;

  /// Append `data`; throws FileError(io) unless every byte was written.
  void write(std::string_view data);
  /// fsync and close, both checked; throws FileError(io). Call once when the content is complete.
  void close();
  /// Bytes in the file now (fstat); throws FileError(io).
  std::uint64_t size_on_disk() const;
  const std::filesystem::path& path() const noexcept { return m_path; }

 private:
  [[noreturn]] void fail(const char* what, int error) const;

  std::filesystem::path m_path;
  int m_fd = -1;
};

}  // namespace zonal::node
