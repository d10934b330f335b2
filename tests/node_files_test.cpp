// Shared directory, safe names, SHA-256 and Store receiving, on real files on disk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "registry.hpp"
#include "safe_name.hpp"
#include "shared_dir.hpp"
#include "store_receiver.hpp"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : m_path(fs::temp_directory_path() / ("zonal-files-test-" + std::to_string(::getpid()))) {
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() { fs::remove_all(m_path); }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

TEST(SafeName, RefusesEscapes) {
  EXPECT_FALSE(file_name_problem("movie.mkv"));
  EXPECT_FALSE(file_name_problem(std::string(255, 'a')));
  EXPECT_EQ(file_name_problem(std::string(256, 'a')), "name: 256 bytes exceeds maximum 255");
  EXPECT_EQ(file_name_problem(""), "name: must not be empty");
  EXPECT_EQ(file_name_problem(".."), "name: \"..\" is not a file name");
  EXPECT_EQ(file_name_problem("../x"), "name: must not start with '.'");
  EXPECT_EQ(file_name_problem("a/../../x"), "name: must be a single path component (no '/' or '\\')");
  EXPECT_EQ(file_name_problem("/etc/passwd"), "name: must be a single path component (no '/' or '\\')");
  EXPECT_EQ(file_name_problem(std::string("a\0b", 3)), "name: must not contain NUL");
  EXPECT_EQ(file_name_problem("a\nb"), "name: must not contain control characters");
}

TEST(Sha256, KnownVectors) {
  Sha256 empty;
  EXPECT_EQ(to_hex(empty.finish()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.update(std::string_view("ab"));
  abc.update(std::string_view("c"));
  EXPECT_EQ(to_hex(abc.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SharedDir, ScanIndexesSafeNamesOnly) {
  TempDir t;
  SharedDir dir(t.path() / "shared", t.path() / "partial");
  std::ofstream(t.path() / "shared" / "abc.txt") << "abc";
  std::ofstream(t.path() / "shared" / ".hidden") << "x";
  const auto files = dir.scan();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "abc.txt");
  EXPECT_EQ(files[0].size, 3u);
  EXPECT_EQ(to_hex(files[0].sha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THROW(dir.add("missing"), FileError);
}

TEST(SharedDir, AdoptRefusesDifferentContentUnderTheSameName) {
  TempDir t;
  SharedDir dir(t.path() / "shared", t.path() / "partial");
  std::ofstream(t.path() / "shared" / "f") << "one";
  dir.scan();
  const auto partial = dir.partial_path("f", "download");
  std::ofstream(partial) << "two";
  try {
    dir.adopt(partial, "f", sha256_file(partial));
    FAIL() << "adopted over a different file";
  } catch (const FileError& e) {
    EXPECT_EQ(e.kind, FileErrorKind::conflict);
  }
  EXPECT_FALSE(fs::exists(partial));
  std::ifstream in(t.path() / "shared" / "f");
  std::string content;
  in >> content;
  EXPECT_EQ(content, "one");
}

/// Feeds `chunks` to receive_store as a stream.
SharedFile store(SharedDir& dir, std::vector<wire::StoreChunk> chunks, std::uint64_t max = 1 << 20) {
  std::size_t i = 0;
  return receive_store([&](wire::StoreChunk& c) { return i < chunks.size() ? (c = chunks[i++], true) : false; }, dir, max);
}

wire::StoreChunk header(const std::string& name, std::uint64_t size, const std::string& data, const std::string& sha) {
  wire::StoreChunk c;
  c.set_name(name);
  c.set_size(size);
  c.set_sha256(sha);
  c.set_data(data);
  return c;
}

std::string raw_sha(const std::string& data) {
  Sha256 h;
  h.update(std::string_view(data));
  const Digest d = h.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

FileErrorKind store_error(SharedDir& dir, std::vector<wire::StoreChunk> chunks, std::uint64_t max = 1 << 20) {
  try {
    store(dir, std::move(chunks), max);
  } catch (const FileError& e) {
    return e.kind;
  }
  ADD_FAILURE() << "store accepted";
  return FileErrorKind::io;
}

TEST(StoreReceiver, VerifiesAndLeavesNothingOnError) {
  TempDir t;
  SharedDir dir(t.path() / "shared", t.path() / "partial");
  wire::StoreChunk tail;
  tail.set_data("def");
  const SharedFile ok = store(dir, {header("up.bin", 6, "abc", raw_sha("abcdef")), tail});
  EXPECT_EQ(ok.size, 6u);
  EXPECT_TRUE(fs::exists(t.path() / "shared" / "up.bin"));
  EXPECT_EQ(store_error(dir, {header("../x", 3, "abc", raw_sha("abc"))}), FileErrorKind::invalid);
  EXPECT_EQ(store_error(dir, {header("bad.bin", 3, "abc", raw_sha("xyz"))}), FileErrorKind::corrupt);
  EXPECT_EQ(store_error(dir, {header("short.bin", 5, "abc", raw_sha("abcde"))}), FileErrorKind::invalid);
  EXPECT_EQ(store_error(dir, {header("long.bin", 2, "abc", raw_sha("abc"))}), FileErrorKind::invalid);
  EXPECT_EQ(store_error(dir, {header("big.bin", 100, "abc", raw_sha("abc"))}, 10), FileErrorKind::too_large);
  EXPECT_EQ(store_error(dir, {header("nosha.bin", 3, "abc", "short")}), FileErrorKind::invalid);
  EXPECT_TRUE(fs::is_empty(t.path() / "partial"));
  EXPECT_FALSE(fs::exists(t.path() / "shared" / "bad.bin"));
}

TEST(Registry, HonoursRequestedIdsWhenFree) {
  TrackerOptions o;
  o.zone_count = 2;
  o.zone_size_min = 2;
  Registry r(o);
  const auto id_of = [&](const std::string& address, std::optional<PeerId> requested, bool proven = false) {
    return std::get<Admission>(r.register_peer(0, address, "10.0.0.1", requested, proven)).id;
  };
  EXPECT_EQ(id_of("h:1", 7), 7u);
  EXPECT_EQ(id_of("h:2", std::nullopt), 0u);
  EXPECT_EQ(id_of("h:1", 7), 7u);    // same address: re-registration keeps the id
  EXPECT_NE(id_of("h:3", 7), 7u);    // taken by another address: a fresh id
  EXPECT_FALSE(r.heartbeat(0, 99).has_value());       // unknown ids are reported, not admitted
  // A certificate proves the id: its holder takes its place back at a new address, and the epoch
  // moves so that every peer refetches the directory.
  const std::uint64_t epoch = r.snapshot().epoch;
  EXPECT_EQ(id_of("h:4", 7, true), 7u);
  EXPECT_EQ(r.snapshot().addresses.at(7), "h:4");
  EXPECT_GT(r.snapshot().epoch, epoch);
  EXPECT_TRUE(r.leave(7));
  EXPECT_FALSE(r.leave(7));
  EXPECT_EQ(r.snapshot().addresses.count(7), 0u);
}

TEST(Registry, LimitsDirectorySizeAndRegistrationsPerHost) {
  TrackerOptions o;
  o.peers_max = 4;
  o.peers_per_host_max = 2;
  Registry r(o);
  const auto try_register = [&](const std::string& address, const std::string& host, std::optional<PeerId> id = std::nullopt) {
    return r.register_peer(0, address, host, id, false);
  };
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("a:1", "10.0.0.1")));
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("a:2", "10.0.0.1")));
  const auto refused = try_register("a:3", "10.0.0.1");
  ASSERT_TRUE(std::holds_alternative<RegistryRefusal>(refused));
  EXPECT_EQ(std::get<RegistryRefusal>(refused).text, "too many registrations from 10.0.0.1: 2 (limits.peers_per_host_max)");
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("a:1", "10.0.0.1", 0)));  // re-registration: not a new one
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("b:1", "10.0.0.2")));
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("c:1", "10.0.0.3")));
  const auto full = try_register("d:1", "10.0.0.4");
  ASSERT_TRUE(std::holds_alternative<RegistryRefusal>(full));
  EXPECT_EQ(std::get<RegistryRefusal>(full).text, "directory full: 4 peers registered (limits.peers_max)");
  EXPECT_EQ(r.counters().refused_host, 1u);
  EXPECT_EQ(r.counters().refused_full, 1u);
  EXPECT_EQ(r.peer_count(), 4u);
  EXPECT_TRUE(r.leave(0));  // leaving frees the host's quota and a directory place
  EXPECT_TRUE(std::holds_alternative<Admission>(try_register("a:3", "10.0.0.1")));
}

}  // namespace
}  // namespace zonal::node
