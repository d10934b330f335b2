// Download throughput over loopback: a 1 GiB file shared by a real zonal-node is fetched with the
// node's own downloader (FileInfo + chunked Fetch stream into partial/, incremental SHA-256,
// verification, rename into place). Bytes per second include the verification. Goal: >= 500 MB/s.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "cluster.hpp"
#include "downloader.hpp"
#include "zonal/rng.hpp"

namespace {

namespace fs = std::filesystem;
using zonal::test::Cluster;

constexpr std::uint64_t file_bytes = 1ull << 30;

void write_file(const fs::path& path) {
  std::ofstream out(path, std::ios::binary);
  zonal::Rng rng(42);
  std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
  for (std::uint64_t done = 0; done < file_bytes; done += block.size() * 8) {
    for (auto& w : block) w = rng.next();
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
  }
}

void BM_NodeDownload1GiB(benchmark::State& state) {
  Cluster c("bench-download", false);  // plaintext, as the figures in docs/performance.md were measured
  c.start_tracker();
  const auto holder = c.start_node({"--log-level", "warn", "--files-chunk-bytes", std::to_string(state.range(0))});
  write_file(c.node(holder).shared_dir() / "big.bin");
  if (c.rest(holder, "POST", "/api/share", {{"name", "big.bin"}}).status != 200) {
    state.SkipWithError("share failed");
    return;
  }
  const fs::path local = c.dir() / "client";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(local);
    zonal::node::SharedDir files(local / "shared", local / "partial");
    state.ResumeTiming();
    const auto r = zonal::node::download_file("big.bin", {{c.node(holder).id, c.node(holder).grpc_address()}}, files, 5000,
                                                 zonal::node::TlsConfig{});
    benchmark::DoNotOptimize(r.file.size);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file_bytes));
  state.counters["chunk_bytes"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_NodeDownload1GiB)->Arg(1 << 20)->Arg(4 << 20)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
