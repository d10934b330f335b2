#include "model/workload.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "zonal/assert.hpp"
#include "zonal/hash.hpp"

namespace zonal::sim {

namespace {

/// content.placement: the given names on the given holders, in file order.
Content explicit_content(const ContentSpec& spec) {
  Content c;
  for (const PlacedFile& f : spec.placement) {
    c.keys.push_back(file_key(f.name));
    c.holders.push_back(f.holders);
  }
  return c;
}

}  // namespace

Content place_content(const ContentSpec& spec, std::uint32_t peers, std::uint64_t seed) {
  if (!spec.placement.empty()) return explicit_content(spec);
  boost::random::mt19937_64 engine(seed);
  Content c;
  c.keys.reserve(spec.files);
  c.holders.resize(spec.files);
  // The scenario loader refuses content.replicas > peers; a smaller count would loop forever.
  ZONAL_ASSERT(spec.replicas <= peers, "content.replicas exceeds the peer count");
  const std::uint32_t replicas = spec.replicas;
  for (std::uint32_t f = 0; f < spec.files; ++f) {
    c.keys.push_back(file_key("file-" + std::to_string(f)));
    auto& holders = c.holders[f];
    boost::random::uniform_int_distribution<PeerId> pick(0, peers - 1);
    while (holders.size() < replicas) {
      const PeerId p = pick(engine);
      if (std::find(holders.begin(), holders.end(), p) == holders.end()) holders.push_back(p);
    }
  }
  return c;
}

QueryStream::QueryStream(const WorkloadSpec& spec, const Content& content, std::uint32_t peers, std::uint64_t seed)
    : m_spec(spec), m_content(content), m_peers(peers), m_engine(seed) {
  double total = 0.0;
  m_zipf_cdf.reserve(content.keys.size());
  for (std::size_t rank = 1; rank <= content.keys.size(); ++rank) {
    total += 1.0 / std::pow(static_cast<double>(rank), spec.zipf_alpha);
    m_zipf_cdf.push_back(total);
  }
  for (double& v : m_zipf_cdf) v /= total;
}

TimeUs QueryStream::next_gap_us() {
  if (!m_spec.script.empty()) return scripted_gap_us();
  boost::random::exponential_distribution<double> gap(m_spec.rate_per_s);
  const TimeUs gap_us = static_cast<TimeUs>(std::llround(gap(m_engine) * 1e6));
  if (m_started) return gap_us;
  m_started = true;  // the first arrival also waits workload.start_ms
  return gap_us + us_from_ms(m_spec.start_ms);
}

QueryRequest QueryStream::next() {
  if (!m_spec.script.empty()) return scripted_next();
  boost::random::uniform_int_distribution<PeerId> origin(0, m_peers - 1);
  const PeerId who = origin(m_engine);
  const std::int64_t file = draw_file();
  const FileKey key = file >= 0 ? m_content.keys[static_cast<std::size_t>(file)]
                                : file_key("missing-" + std::to_string(m_missing++));
  return {who, key, file};
}

TimeUs QueryStream::scripted_gap_us() {
  const auto& script = m_spec.script;
  // workload.queries is the script's length, so the engines ask for at most one gap per entry.
  ZONAL_ASSERT(m_script_next < script.size(), "a query gap asked for beyond the end of workload.script");
  const std::size_t i = m_script_next;
  const double previous_ms = i == 0 ? 0.0 : script[i - 1].at_ms;
  return us_from_ms(script[i].at_ms - previous_ms);
}

QueryRequest QueryStream::scripted_next() {
  ZONAL_ASSERT(m_script_next < m_spec.script.size(), "a query asked for beyond the end of workload.script");
  const ScriptedQuery& q = m_spec.script[m_script_next];
  ++m_script_next;
  const FileKey key = file_key(q.name);
  const auto it = std::find(m_content.keys.begin(), m_content.keys.end(), key);
  const std::int64_t file = it == m_content.keys.end() ? -1 : it - m_content.keys.begin();
  return {q.origin, key, file};
}

std::int64_t QueryStream::draw_file() {
  boost::random::uniform_01<double> unit;
  if (m_zipf_cdf.empty() || unit(m_engine) < m_spec.missing_fraction) return -1;
  const double u = unit(m_engine);
  auto it = std::lower_bound(m_zipf_cdf.begin(), m_zipf_cdf.end(), u);
  if (it == m_zipf_cdf.end()) --it;  // the normalised CDF may end a rounding error below u < 1
  return it - m_zipf_cdf.begin();
}

}  // namespace zonal::sim
