#include "zonal/send_queue.hpp"

namespace zonal {

void SendQueue::push_unicast(PeerId to, const Message& msg) {
  m_items.push_back(Item{msg, nullptr, to, no_peer, 1, 0});
}

void SendQueue::push_broadcast(std::span<const PeerId> neighbours, PeerId except, const Message& msg) {
  if (neighbours.empty()) return;
  m_items.push_back(Item{msg, neighbours.data(), no_peer, except, static_cast<std::uint32_t>(neighbours.size()), 0});
}

std::optional<Transmit> SendQueue::pop() {
  while (m_head < m_items.size()) {
    Item& item = m_items[m_head];
    while (item.cursor < item.count) {
      const PeerId to = item.targets == nullptr ? item.to : item.targets[item.cursor];
      ++item.cursor;
      if (to != item.except) return Transmit{to, item.msg};
    }
    ++m_head;
  }
  release();
  return std::nullopt;
}

std::optional<TransmitBatch> SendQueue::pop_batch() {
  while (m_head < m_items.size()) {
    Item& item = m_items[m_head++];
    if (item.cursor == item.count) continue;
    const PeerId* first = (item.targets == nullptr ? &item.to : item.targets) + item.cursor;
    return TransmitBatch{&item.msg, {first, item.count - item.cursor}, item.except};
  }
  release();
  return std::nullopt;
}

// Drained: give the buffer back. Peers send in short bursts and a million idle peers
// holding last burst's capacity would cost more memory than the reallocation costs time.
void SendQueue::release() {
  std::vector<Item>().swap(m_items);
  m_head = 0;
}

}  // namespace zonal
