#include "shared_dir.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include "safe_name.hpp"
#include "zonal/hash.hpp"

namespace zonal::node {

namespace fs = std::filesystem;

SharedDir::SharedDir(fs::path shared, fs::path partial) : m_shared(std::move(shared)), m_partial(std::move(partial)) {
  std::error_code ec;
  fs::create_directories(m_shared, ec);
  if (ec) throw FileError(FileErrorKind::io, "cannot create " + m_shared.string() + ": " + ec.message());
  fs::create_directories(m_partial, ec);
  if (ec) throw FileError(FileErrorKind::io, "cannot create " + m_partial.string() + ": " + ec.message());
  if (const long max = ::pathconf(m_partial.c_str(), _PC_NAME_MAX); max > 0) m_name_max = static_cast<std::size_t>(max);
}

std::optional<std::string> SharedDir::transfer_name_problem(const std::string& name) const {
  constexpr std::string_view longest_suffix = ".download";  // partial_path(name, "download"), the longest kind
  if (name.size() + longest_suffix.size() <= m_name_max) return std::nullopt;
  return "name: " + std::to_string(name.size()) + " bytes is too long to transfer: its temporary file (name + \"" +
         std::string(longest_suffix) + "\") would exceed this file system's " + std::to_string(m_name_max) +
         "-byte name limit, so no peer could download or store it; use at most " +
         std::to_string(m_name_max - longest_suffix.size()) + " bytes";
}

SharedFile SharedDir::index(const std::string& name) {
  if (auto p = file_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  if (auto p = transfer_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  const fs::path path = m_shared / name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw FileError(FileErrorKind::not_found, "no file \"" + name + "\" in " + m_shared.string());
  SharedFile f;
  f.name = name;
  try {
    f.sha256 = sha256_file(path);
  } catch (const std::exception& e) {
    throw FileError(FileErrorKind::io, e.what());
  }
  f.size = fs::file_size(path, ec);
  f.key = file_key(name);
  std::lock_guard lock(m_mutex);
  m_files[name] = f;
  return f;
}

std::vector<SharedFile> SharedDir::scan() {
  std::vector<SharedFile> out;
  for (const auto& entry : fs::directory_iterator(m_shared)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || file_name_problem(name)) {
      spdlog::debug("not sharing {}", entry.path().string());
      continue;
    }
    if (auto p = transfer_name_problem(name)) {
      spdlog::warn("not sharing {}: {}", entry.path().string(), *p);
      continue;
    }
    out.push_back(index(name));
  }
  return out;
}

SharedFile SharedDir::add(const std::string& name) { return index(name); }

SharedFile SharedDir::remove(const std::string& name) {
  if (auto p = file_name_problem(name)) throw FileError(FileErrorKind::invalid, *p);
  std::lock_guard lock(m_mutex);
  const auto it = m_files.find(name);
  if (it == m_files.end()) throw FileError(FileErrorKind::not_found, "name: \"" + name + "\" is not shared by this node");
  if (m_transfers.contains(name)) throw FileError(FileErrorKind::conflict, "name: a transfer of \"" + name + "\" is running");
  std::error_code ec;
  fs::remove(m_shared / name, ec);
  if (ec) throw FileError(FileErrorKind::io, "cannot delete " + (m_shared / name).string() + ": " + ec.message());
  const SharedFile f = it->second;
  m_files.erase(it);
  return f;
}

std::optional<SharedFile> SharedDir::find(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  auto it = m_files.find(name);
  if (it == m_files.end()) return std::nullopt;
  return it->second;
}

std::vector<SharedFile> SharedDir::list() const {
  std::lock_guard lock(m_mutex);
  std::vector<SharedFile> out;
  for (const auto& [name, f] : m_files) out.push_back(f);
  return out;
}

fs::path SharedDir::partial_path(const std::string& name, const std::string& kind) const {
  return m_partial / (name + "." + kind);
}

SharedFile SharedDir::adopt(const fs::path& partial, const std::string& name, const Digest& sha256) {
  std::error_code ec;
  if (auto existing = find(name); existing && existing->sha256 == sha256) {
    fs::remove(partial, ec);
    return *existing;  // the same content is already shared
  }
  if (fs::exists(m_shared / name, ec)) {
    fs::remove(partial, ec);
    throw FileError(FileErrorKind::conflict, "a different file named \"" + name + "\" is already shared");
  }
  fs::rename(partial, m_shared / name, ec);
  if (ec) throw FileError(FileErrorKind::io, "cannot move " + partial.string() + " into place: " + ec.message());
  SharedFile f{name, fs::file_size(m_shared / name, ec), sha256, file_key(name)};
  std::lock_guard lock(m_mutex);
  m_files[name] = f;
  return f;
}

bool SharedDir::begin_transfer(const std::string& name) {
  std::lock_guard lock(m_mutex);
  return m_transfers.insert(name).second;
}

void SharedDir::end_transfer(const std::string& name) {
  std::lock_guard lock(m_mutex);
  m_transfers.erase(name);
}

}  // namespace zonal::node
