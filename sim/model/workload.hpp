#pragma once
/// Content placement and the query stream: which peers hold which names, and who asks for what, when.
#include <cstdint>
#include <vector>

#include <boost/random/mersenne_twister.hpp>

#include "scenario/scenario.hpp"

namespace zonal::sim {

/// Which peers hold each file (file i is named "file-<i>").
struct Content {
  std::vector<FileKey> keys;                  ///< key of file i
  std::vector<std::vector<PeerId>> holders;   ///< distinct holders of file i
};

/// Place `spec.replicas` distinct holders per file uniformly at random among `peers`, or the
/// explicit `spec.placement` when given.
Content place_content(const ContentSpec& spec, std::uint32_t peers, std::uint64_t seed);

struct QueryRequest {
  PeerId origin;
  FileKey key;
  std::int64_t file;  ///< index into Content, or -1 for a name nobody holds
};

/// Endless deterministic stream of queries following the workload spec (or its script, in order).
class QueryStream {
 public:
  /// Build the Zipf table over `content` files; seeded per run.
  QueryStream(const WorkloadSpec& spec, const Content& content, std::uint32_t peers, std::uint64_t seed);
  /// Draw the next query; call once per query arrival.
  QueryRequest next();
  /// Draw the time to the next arrival (exponential: Poisson arrivals; the first one also waits
  /// workload.start_ms); call once per arrival.
  TimeUs next_gap_us();

 private:
  std::int64_t draw_file();
  TimeUs scripted_gap_us();
  QueryRequest scripted_next();

  WorkloadSpec m_spec;
  const Content& m_content;
  std::uint32_t m_peers;
  std::vector<double> m_zipf_cdf;
  std::uint64_t m_missing = 0;
  std::size_t m_script_next = 0;
  bool m_started = false;  // the first gap (which includes start_ms) was drawn
  boost::random::mt19937_64 m_engine;
};

}  // namespace zonal::sim
