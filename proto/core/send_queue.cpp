#include "zonal/send_queue.hpp"

#include <cstring>
#include <new>
#include <type_traits>

namespace zonal {
SendQueue& SendQueue::operator=(SendQueue&& other) noexcept {
  if (this != &other) {
    release();
    m_block = other.m_block;
    other.m_block = nullptr;
  }
  return *this;
}

void SendQueue::push_unicast(PeerId to, const Message& msg) { push(Item{msg, nullptr, to, no_peer, 1, 0}); }

void SendQueue::push_broadcast(std::span<const PeerId> neighbours, PeerId except, const Message& msg) {
  if (neighbours.empty()) return;
  push(Item{msg, neighbours.data(), no_peer, except, static_cast<std::uint32_t>(neighbours.size()), 0});
}

// Items are plain data: the block grows by copying bytes (one item at first, then doubling).
void SendQueue::push(const Item& item) {
  static_assert(std::is_trivially_copyable_v<Item> && alignof(Item) <= alignof(std::max_align_t));
  if (m_block == nullptr || m_block->size == m_block->capacity) {
    const std::uint32_t size = m_block == nullptr ? 0 : m_block->size;
    const std::uint32_t capacity = size == 0 ? 1 : size * 2;
    auto* grown = static_cast<Block*>(::operator new(sizeof(Block) + std::size_t{capacity} * sizeof(Item)));
    grown->head = m_block == nullptr ? 0 : m_block->head;
    grown->size = size;
    grown->capacity = capacity;
    if (size != 0) std::memcpy(static_cast<void*>(grown->items()), m_block->items(), std::size_t{size} * sizeof(Item));
    release();
    m_block = grown;
  }
  new (m_block->items() + m_block->size) Item(item);
  ++m_block->size;
}

std::optional<Transmit> SendQueue::pop() {
  if (m_block == nullptr) return std::nullopt;
  while (m_block->head < m_block->size) {
    Item& item = m_block->items()[m_block->head];
    while (item.cursor < item.count) {
      const PeerId to = item.targets == nullptr ? item.to : item.targets[item.cursor];
      ++item.cursor;
      if (to != item.except) return Transmit{to, item.msg};
    }
    ++m_block->head;
  }
  release();
  return std::nullopt;
}

std::optional<TransmitBatch> SendQueue::pop_batch() {
  if (m_block == nullptr) return std::nullopt;
  while (m_block->head < m_block->size) {
    Item& item = m_block->items()[m_block->head++];
    if (item.cursor == item.count) continue;
    const PeerId* first = (item.targets == nullptr ? &item.to : item.targets) + item.cursor;
    return TransmitBatch{&item.msg, {first, item.count - item.cursor}, item.except};
  }
  release();
  return std::nullopt;
}

// Drained: give the block back. Peers send in short bursts and a million idle peers holding
// last burst's capacity would cost more memory than the reallocation costs time.
void SendQueue::release() noexcept {
  ::operator delete(m_block);
  m_block = nullptr;
}

}  // namespace zonal
