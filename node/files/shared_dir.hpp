#pragma once
/// The shared directory: files indexed by name with size and SHA-256, plus the private
/// partial/ directory where transfers land before they are verified and renamed into place.
/// Thread-safe.
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "file_error.hpp"
#include "sha256.hpp"
#include "zonal/types.hpp"

namespace zonal::node {

struct SharedFile {
  std::string name;
  std::uint64_t size = 0;
  Digest sha256{};
  FileKey key = 0;
};

class SharedDir {
 public:
  /// Use `shared` for shared files and `partial` for transfers; both are created if missing.
  SharedDir(std::filesystem::path shared, std::filesystem::path partial);

  /// Index every regular file with a safe name in the shared directory (hashing each); call at start.
  std::vector<SharedFile> scan();
  /// Index (or re-index) the file `name` already in the shared directory; throws FileError.
  SharedFile add(const std::string& name);
  /// The indexed file `name`, if any.
  std::optional<SharedFile> find(const std::string& name) const;
  /// Every indexed file, sorted by name.
  std::vector<SharedFile> list() const;
  /// Path of shared file `name` (name must be safe).
  std::filesystem::path path_of(const std::string& name) const { return m_shared / name; }
  /// Path of the partial file of a `kind` ("download", "store") transfer of `name`.
  std::filesystem::path partial_path(const std::string& name, const std::string& kind) const;
  /// Rename the verified `partial` into the shared directory as `name` and index it. Throws
  /// FileError(conflict) if a different file of that name is already shared (partial is removed).
  SharedFile adopt(const std::filesystem::path& partial, const std::string& name, const Digest& sha256);

  /// Why `name` could never be transferred here (its partial file's name, name + ".download",
  /// would exceed the file system's name limit), or nullopt. Checked when sharing, downloading and storing.
  std::optional<std::string> transfer_name_problem(const std::string& name) const;
  /// Stop sharing `name`: drop it from the index and delete it from the shared directory.
  /// Throws FileError (not_found when not shared, conflict while a transfer of it runs, io).
  SharedFile remove(const std::string& name);

  /// Reserve `name` for one transfer; false when a transfer of it is already running.
  bool begin_transfer(const std::string& name);
  /// Release a reservation made by begin_transfer.
  void end_transfer(const std::string& name);

  const std::filesystem::path& shared_path() const noexcept { return m_shared; }

 private:
  SharedFile index(const std::string& name);

  std::filesystem::path m_shared;
  std::filesystem::path m_partial;
  std::size_t m_name_max = 255;  ///< longest file name the partial directory's file system takes
  mutable std::mutex m_mutex;
  std::map<std::string, SharedFile> m_files;
  std::set<std::string> m_transfers;
};

}  // namespace zonal::node
