#pragma once
/// Test helpers that collect what a sans-IO Peer wants to send and report (the "mock that
/// collects packets"): call after each handle_*() or command.
#include <vector>

#include "zonal/peer.hpp"

namespace zonal::test {

/// Every queued transmit of `p`, in order.
inline std::vector<Transmit> drain(Peer& p) {
  std::vector<Transmit> out;
  while (auto t = p.poll_transmit()) out.push_back(*t);
  return out;
}

/// Every queued event of `p`, in order.
inline std::vector<PeerEvent> events(Peer& p) {
  std::vector<PeerEvent> out;
  while (auto e = p.poll_event()) out.push_back(*e);
  return out;
}

}  // namespace zonal::test
