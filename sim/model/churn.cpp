/// Churn schedules and mass-failure victims (see churn.hpp). Model choices:
/// - sessions: every peer starts online at start_us with a FRESH session drawn from the lifetime
///   family (not the stationary residual); it then alternates offline periods and sessions, each
///   drawn independently from the same family with mean offline_mean_s or session_mean_s.
/// - poisson: failures and joins are two independent Poisson processes of rate rate_per_s each; a
///   failure picks a uniformly random live peer, a join a uniformly random offline peer (no-op
///   when none is offline), as in the Chord paper (Stoica et al. 2001, section 6.4).
/// - every departure is a graceful leave with probability leave_fraction, else a crash.
#include "model/churn.hpp"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/weibull_distribution.hpp>
#include <cmath>

namespace zonal::sim {
namespace {

using Engine = boost::random::mt19937_64;

/// One draw from `kind` with mean `mean_s` seconds (shape = Weibull k or Pareto alpha), in seconds.
double draw_lifetime_s(LifetimeKind kind, double mean_s, double shape, Engine& engine) {
  switch (kind) {
    case LifetimeKind::exponential:
      return boost::random::exponential_distribution<double>(1.0 / mean_s)(engine);
    case LifetimeKind::weibull: {
      const double scale = mean_s / std::tgamma(1.0 + 1.0 / shape);
      return boost::random::weibull_distribution<double>(shape, scale)(engine);
    }
    case LifetimeKind::pareto: {  // inverse transform: x_m * U^(-1/alpha), U in (0, 1]
      const double x_min = mean_s * (shape - 1.0) / shape;
      const double u = 1.0 - boost::random::uniform_01<double>()(engine);
      return x_min * std::pow(u, -1.0 / shape);
    }
  }
  return mean_s;
}

/// `now_us` plus `seconds`, saturated to `limit_us` (the caller stops at or beyond it).
TimeUs after(TimeUs now_us, double seconds, TimeUs limit_us) {
  const double at = static_cast<double>(now_us) + seconds * 1e6;
  if (!(at < static_cast<double>(limit_us))) return limit_us;
  return static_cast<TimeUs>(std::llround(at));
}

ChurnKind departure(double leave_fraction, Engine& engine) {
  if (leave_fraction <= 0.0) return ChurnKind::crash;
  return boost::random::uniform_01<double>()(engine) < leave_fraction ? ChurnKind::leave : ChurnKind::crash;
}

std::vector<ChurnEvent> sessions_schedule(const ChurnSpec& c, std::uint32_t peers, TimeUs start_us, TimeUs end_us,
                                          Engine& engine) {
  std::vector<ChurnEvent> out;
  for (PeerId p = 0; p < peers; ++p) {
    TimeUs t = start_us;
    while (true) {
      t = after(t, draw_lifetime_s(c.lifetime, c.session_mean_s, c.shape, engine), end_us);
      if (t >= end_us) break;
      out.push_back(ChurnEvent{t, p, departure(c.leave_fraction, engine)});
      t = after(t, draw_lifetime_s(c.lifetime, c.offline_mean_s, c.shape, engine), end_us);
      if (t >= end_us) break;
      out.push_back(ChurnEvent{t, p, ChurnKind::join});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ChurnEvent& a, const ChurnEvent& b) { return a.at_us < b.at_us; });
  return out;
}

/// A set of peer ids with O(1) insert, removal and uniform pick.
class PeerPool {
 public:
  explicit PeerPool(std::uint32_t peers) : m_slot(peers, none) {}
  void insert(PeerId p) {
    m_slot[p] = static_cast<std::uint32_t>(m_items.size());
    m_items.push_back(p);
  }
  void erase(PeerId p) {
    const std::uint32_t i = m_slot[p];
    m_items[i] = m_items.back();
    m_slot[m_items[i]] = i;
    m_items.pop_back();
    m_slot[p] = none;
  }
  bool empty() const noexcept { return m_items.empty(); }
  PeerId pick(Engine& engine) const {
    return m_items[boost::random::uniform_int_distribution<std::size_t>(0, m_items.size() - 1)(engine)];
  }

 private:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;
  std::vector<PeerId> m_items;
  std::vector<std::uint32_t> m_slot;
};

std::vector<ChurnEvent> poisson_schedule(const ChurnSpec& c, std::uint32_t peers, TimeUs start_us, TimeUs end_us,
                                         Engine& engine) {
  std::vector<ChurnEvent> out;
  PeerPool live(peers);
  PeerPool offline(peers);
  for (PeerId p = 0; p < peers; ++p) live.insert(p);
  boost::random::exponential_distribution<double> gap_s(c.rate_per_s);
  TimeUs next_failure = after(start_us, gap_s(engine), end_us);
  TimeUs next_join = after(start_us, gap_s(engine), end_us);
  while (std::min(next_failure, next_join) < end_us) {
    if (next_failure <= next_join) {  // ties: the failure first
      if (!live.empty()) {
        const PeerId p = live.pick(engine);
        live.erase(p);
        offline.insert(p);
        out.push_back(ChurnEvent{next_failure, p, departure(c.leave_fraction, engine)});
      }
      next_failure = after(next_failure, gap_s(engine), end_us);
    } else {
      if (!offline.empty()) {
        const PeerId p = offline.pick(engine);
        offline.erase(p);
        live.insert(p);
        out.push_back(ChurnEvent{next_join, p, ChurnKind::join});
      }
      next_join = after(next_join, gap_s(engine), end_us);
    }
  }
  return out;
}

}  // namespace

std::vector<ChurnEvent> make_churn_schedule(const ChurnSpec& churn, std::uint32_t peers, TimeUs start_us, TimeUs end_us,
                                            std::uint64_t seed) {
  if (peers == 0 || end_us <= start_us) return {};
  Engine engine(seed);
  switch (churn.model) {
    case ChurnModel::none:
      return {};
    case ChurnModel::sessions:
      return sessions_schedule(churn, peers, start_us, end_us, engine);
    case ChurnModel::poisson:
      return poisson_schedule(churn, peers, start_us, end_us, engine);
  }
  return {};
}

std::vector<PeerId> mass_failure_victims(const MassFailure& failure, std::span<const PeerId> live,
                                         const std::function<ZoneId(PeerId)>& zone_of, std::uint64_t seed) {
  std::vector<PeerId> out;
  if (failure.zone) {
    for (const PeerId p : live) {
      if (zone_of(p) == *failure.zone) out.push_back(p);
    }
    return out;
  }
  const auto want = static_cast<std::size_t>(
      std::min(static_cast<double>(live.size()), std::round(failure.fraction * static_cast<double>(live.size()))));
  std::vector<PeerId> pool(live.begin(), live.end());
  Engine engine(seed);
  for (std::size_t i = 0; i < want; ++i) {  // partial Fisher-Yates: the first `want` are a uniform sample
    const std::size_t j = boost::random::uniform_int_distribution<std::size_t>(i, pool.size() - 1)(engine);
    std::swap(pool[i], pool[j]);
  }
  out.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(want));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace zonal::sim
