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
  EXPECT_EQ(r.register_peer(0, "h:1", 7).id, 7u);
  EXPECT_EQ(r.register_peer(0, "h:2", std::nullopt).id, 0u);
  EXPECT_EQ(r.register_peer(0, "h:1", 7).id, 7u);    // same address: re-registration keeps the id
  EXPECT_NE(r.register_peer(0, "h:3", 7).id, 7u);    // taken by another address: a fresh id
  EXPECT_FALSE(r.heartbeat(0, 99).has_value());       // unknown ids are reported, not admitted
  EXPECT_TRUE(r.leave(7));
  EXPECT_FALSE(r.leave(7));
  EXPECT_EQ(r.snapshot().addresses.count(7), 0u);
}

}  // namespace
}  // namespace zonal::node
