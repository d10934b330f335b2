#pragma once
/// Peer id -> host:port of its gRPC service, from the tracker's directory. Thread-safe.
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "zonal/types.hpp"

namespace zonal::node {

class AddressBook {
 public:
  /// Replace the whole book; call when a new directory arrives.
  void replace(std::map<PeerId, std::string> addresses) {
    std::lock_guard lock(m_mutex);
    m_addresses = std::move(addresses);
  }
  /// Address of `peer`, if known.
  std::optional<std::string> find(PeerId peer) const {
    std::lock_guard lock(m_mutex);
    auto it = m_addresses.find(peer);
    if (it == m_addresses.end()) return std::nullopt;
    return it->second;
  }
  /// Copy of the whole book.
  std::map<PeerId, std::string> all() const {
    std::lock_guard lock(m_mutex);
    return m_addresses;
  }

 private:
  mutable std::mutex m_mutex;
  std::map<PeerId, std::string> m_addresses;
};

}  // namespace zonal::node
