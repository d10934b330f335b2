// Faulty and hostile holders against the real downloader (node/files/downloader.cpp): holders
// are real gRPC Peer services on loopback that lie in chosen ways. A download must never adopt
// bytes a holder was not entitled to send: a chunk at the wrong offset, more bytes than
// announced, content other than announced, or an oversized leftover partial file. With an
// honest holder later in the list the download completes correctly; otherwise it fails with the
// right kind and nothing half-written is shared.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "downloader.hpp"
#include "file_error.hpp"
#include "grpc_options.hpp"
#include "sha256.hpp"
#include "shared_dir.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {
namespace {

namespace fs = std::filesystem;

enum class Lie { none, wrong_offset, extra_bytes, other_content, fail_halfway };

std::string content_of(std::size_t bytes, std::uint64_t seed) {
  std::string s(bytes, '\0');
  for (auto& c : s) seed = seed * 6364136223846793005ull + 1442695040888963407ull, c = static_cast<char>(seed >> 56);
  return s;
}

std::string raw_sha(const std::string& data) {
  Sha256 h;
  h.update(std::string_view(data));
  const Digest d = h.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

/// A holder of `announced` (FileInfo tells its size and SHA-256) that streams according to `lie`.
class FakeHolder final : public wire::Peer::Service {
 public:
  FakeHolder(std::string announced, Lie lie) : m_announced(std::move(announced)), m_lie(lie) {
    m_server = start_server(*this, "127.0.0.1", 0, m_port, TlsConfig{});
  }
  ~FakeHolder() override { stop_server(m_server); }
  std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }

  grpc::Status FileInfo(grpc::ServerContext*, const wire::FileInfoRequest* req, wire::FileEntry* out) override {
    out->set_name(req->name());
    out->set_size(m_announced.size());
    out->set_sha256(raw_sha(m_announced));
    return grpc::Status::OK;
  }

  grpc::Status Fetch(grpc::ServerContext*, const wire::FetchRequest* req, grpc::ServerWriter<wire::Chunk>* writer) override {
    std::string data = m_announced;
    if (m_lie == Lie::extra_bytes) data += std::string(5000, 'X');
    if (m_lie == Lie::other_content) data = content_of(m_announced.size(), 999);
    std::uint64_t offset = req->offset();
    const std::size_t chunk = 4096;
    while (offset < data.size()) {
      if (m_lie == Lie::fail_halfway && offset >= data.size() / 2)
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "holder going away");
      wire::Chunk c;
      c.set_offset(m_lie == Lie::wrong_offset && offset >= 8192 ? offset + 1 : offset);
      c.set_data(data.substr(offset, chunk));
      if (!writer->Write(c)) return grpc::Status::CANCELLED;
      offset += std::min<std::uint64_t>(chunk, data.size() - offset);
    }
    return grpc::Status::OK;
  }

 private:
  std::string m_announced;
  Lie m_lie;
  int m_port = 0;
  std::unique_ptr<grpc::Server> m_server;
};

class HostileHolder : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("zonal-hostile-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    m_files = std::make_unique<SharedDir>(m_dir / "shared", m_dir / "partial");
  }
  void TearDown() override {
    m_files.reset();
    fs::remove_all(m_dir);
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  DownloadResult get(const std::vector<const FakeHolder*>& holders) {
    std::vector<Holder> list;
    for (std::size_t i = 0; i < holders.size(); ++i) list.push_back(Holder{static_cast<PeerId>(i + 1), holders[i]->address()});
    return download_file("f.bin", list, *m_files, 5000, TlsConfig{});
  }
  FileErrorKind failure_of(const std::vector<const FakeHolder*>& holders) {
    try {
      get(holders);
    } catch (const FileError& e) {
      return e.kind;
    }
    ADD_FAILURE() << "the download did not fail";
    return FileErrorKind::io;
  }
  fs::path shared() const { return m_dir / "shared" / "f.bin"; }
  fs::path partial() const { return m_files->partial_path("f.bin", "download"); }

  const std::string m_content = content_of(50'000, 7);
  fs::path m_dir;
  std::unique_ptr<SharedDir> m_files;
};

TEST_F(HostileHolder, WrongOffsetIsRefusedAndTheNextHolderContinues) {
  FakeHolder liar(m_content, Lie::wrong_offset), honest(m_content, Lie::none);
  const auto r = get({&liar, &honest});
  EXPECT_EQ(read(shared()), m_content);
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_EQ(r.sources[0].bytes, 8192u);  // the chunks before the lie
  EXPECT_EQ(r.sources[1].from_offset, 8192u);
}

TEST_F(HostileHolder, MoreBytesThanAnnouncedAreNeverWritten) {
  FakeHolder liar(m_content, Lie::extra_bytes), honest(m_content, Lie::none);
  const auto r = get({&liar, &honest});
  EXPECT_EQ(read(shared()), m_content);
  EXPECT_EQ(fs::file_size(shared()), m_content.size());
  ASSERT_FALSE(r.sources.empty());
}

TEST_F(HostileHolder, MoreBytesThanAnnouncedFromTheOnlyHolderFailsWithoutSharing) {
  FakeHolder liar(m_content, Lie::extra_bytes);
  EXPECT_EQ(failure_of({&liar}), FileErrorKind::unavailable);
  EXPECT_FALSE(fs::exists(shared()));
  std::error_code ec;
  EXPECT_LE(fs::file_size(partial(), ec), m_content.size()) << "bytes past the announced size were kept";
}

TEST_F(HostileHolder, ContentOtherThanAnnouncedIsCorruptAndDeleted) {
  FakeHolder liar(m_content, Lie::other_content);
  EXPECT_EQ(failure_of({&liar}), FileErrorKind::corrupt);
  EXPECT_FALSE(fs::exists(shared()));
  EXPECT_FALSE(fs::exists(partial()));
}

TEST_F(HostileHolder, HoldersDisagreeingAboutTheContentAreNotMixed) {
  // The first holder fails halfway; the second holds other content under the same name and is
  // skipped; the third holds the announced content and finishes from the same offset.
  FakeHolder first(m_content, Lie::fail_halfway), other(content_of(m_content.size(), 3), Lie::none), honest(m_content, Lie::none);
  const auto r = get({&first, &other, &honest});
  EXPECT_EQ(read(shared()), m_content);
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_EQ(r.sources[0].peer, 1u);
  EXPECT_EQ(r.sources[1].peer, 3u);
  EXPECT_EQ(r.sources[1].from_offset, r.sources[0].bytes);
  EXPECT_GT(r.sources[0].bytes, 0u);
  // Without an agreeing holder the download fails and keeps only the first holder's prefix.
  fs::remove(shared());
  m_files = std::make_unique<SharedDir>(m_dir / "shared", m_dir / "partial");
  FakeHolder first_again(m_content, Lie::fail_halfway);
  EXPECT_EQ(failure_of({&first_again, &other}), FileErrorKind::unavailable);
  EXPECT_EQ(read(partial()), m_content.substr(0, fs::file_size(partial())));
}

TEST_F(HostileHolder, OversizedPartialFileIsDiscarded) {
  fs::create_directories(partial().parent_path());
  std::ofstream(partial(), std::ios::binary) << m_content << std::string(1000, 'Z');
  FakeHolder honest(m_content, Lie::none);
  const auto r = get({&honest});
  EXPECT_EQ(r.resumed_from, 0u);
  EXPECT_EQ(read(shared()), m_content);
}

TEST_F(HostileHolder, PartialFileWithAForeignPrefixIsCaughtByTheHash) {
  fs::create_directories(partial().parent_path());
  std::ofstream(partial(), std::ios::binary) << content_of(10'000, 5);  // not a prefix of the content
  FakeHolder honest(m_content, Lie::none);
  EXPECT_EQ(failure_of({&honest}), FileErrorKind::corrupt);
  EXPECT_FALSE(fs::exists(shared()));
  EXPECT_FALSE(fs::exists(partial()));
  const auto r = get({&honest});  // the next attempt starts afresh and succeeds
  EXPECT_EQ(r.resumed_from, 0u);
  EXPECT_EQ(read(shared()), m_content);
}

}  // namespace
}  // namespace zonal::node
