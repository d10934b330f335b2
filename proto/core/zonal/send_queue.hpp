#pragma once
/// Pending outgoing messages of one peer. A broadcast is stored once and expanded lazily
/// into one Transmit per neighbour, so a flood costs no per-neighbour memory.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "zonal/message.hpp"

namespace zonal {

class SendQueue {
 public:
  /// Queue `msg` for one destination.
  void push_unicast(PeerId to, const Message& msg);
  /// Queue `msg` for every peer in `neighbours` except `except` (may be no_peer).
  /// The span must stay valid until drained (it is the peer's own neighbour table).
  void push_broadcast(std::span<const PeerId> neighbours, PeerId except, const Message& msg);
  /// Next Transmit, or nullopt when empty. Call until empty after each handle_* call.
  std::optional<Transmit> pop();
  /// The rest of the next queued unicast or broadcast as one batch, or nullopt when empty.
  /// May be mixed with pop(); the batch stays valid until the next call on this queue.
  std::optional<TransmitBatch> pop_batch();
  /// True when nothing is queued.
  bool empty() const noexcept { return m_head == m_items.size(); }

 private:
  struct Item {
    Message msg;
    const PeerId* targets;  // unicast: points at `to`; broadcast: neighbour table
    PeerId to;
    PeerId except;
    std::uint32_t count;
    std::uint32_t cursor;
  };
  void release();

  std::vector<Item> m_items;
  std::size_t m_head = 0;
};

}  // namespace zonal
