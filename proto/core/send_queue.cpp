#include "zonal/send_queue.hpp"

#include <cstring>
#include <new>
#include <type_traits>

namespace zonal {
SendQueue& SendQueue::operator=(SendQueue&& other) noexcept {
  if (this != &other) {
    release();
    m_bits = other.m_bits;
    other.m_bits = 0;
  }
  return *this;
}

void SendQueue::push_unicast(PeerId to, const Message& msg) { fill(append(), msg, nullptr, to, no_peer, 1); }

void SendQueue::push_broadcast(std::span<const PeerId> neighbours, PeerId except, const Message& msg) {
  if (neighbours.empty()) return;
  fill(append(), msg, neighbours.data(), no_peer, except, static_cast<std::uint32_t>(neighbours.size()));
}

// Field by field into the block: an Item built on the stack and copied was reloaded in wider
// pieces than it was stored (a failed store forward on every push).
void SendQueue::fill(void* slot, const Message& msg, const PeerId* targets, PeerId to, PeerId except,
                     std::uint32_t count) noexcept {
  new (slot) Item{msg, targets, to, except, count, 0};
}

// Items are plain data: the block grows by copying bytes (one item at first, then doubling).
// Returns the new last item's storage (fill() constructs it).
void* SendQueue::append() {
  static_assert(std::is_trivially_copyable_v<Item> && alignof(Item) <= alignof(std::max_align_t));
  static_assert(alignof(Block) >= 2, "the block's address must leave block_bit clear");
  Block* b = block();
  if (b == nullptr || b->size == b->capacity) {
    const std::uint32_t size = b == nullptr ? 0 : b->size;
    const std::uint32_t capacity = size == 0 ? 1 : size * 2;
    auto* grown = static_cast<Block*>(::operator new(sizeof(Block) + std::size_t{capacity} * sizeof(Item)));
    grown->word = word();
    grown->head = b == nullptr ? 0 : b->head;
    grown->size = size;
    grown->capacity = capacity;
    if (size != 0) std::memcpy(static_cast<void*>(grown->items()), b->items(), std::size_t{size} * sizeof(Item));
    ::operator delete(b);
    m_bits = reinterpret_cast<std::uintptr_t>(grown) | block_bit;
    b = grown;
  }
  return b->items() + b->size++;
}

std::optional<Transmit> SendQueue::pop() {
  Block* b = block();
  if (b == nullptr) return std::nullopt;
  while (b->head < b->size) {
    Item& item = b->items()[b->head];
    while (item.cursor < item.count) {
      const PeerId to = item.targets == nullptr ? item.to : item.targets[item.cursor];
      ++item.cursor;
      if (to != item.except) return Transmit{to, item.msg};
    }
    ++b->head;
  }
  release();
  return std::nullopt;
}

std::optional<TransmitBatch> SendQueue::pop_batch() {
  Block* b = block();
  if (b == nullptr) return std::nullopt;
  while (b->head < b->size) {
    Item& item = b->items()[b->head++];
    if (item.cursor == item.count) continue;
    const PeerId* first = (item.targets == nullptr ? &item.to : item.targets) + item.cursor;
    return TransmitBatch{&item.msg, {first, item.count - item.cursor}, item.except};
  }
  release();
  return std::nullopt;
}

// Drained: give the block back (its word returns to the queue). Peers send in short bursts and
// a million idle peers holding last burst's capacity would cost more memory than the
// reallocation costs time.
void SendQueue::release() noexcept {
  if (Block* b = block()) {
    m_bits = b->word;
    ::operator delete(b);
  }
}

}  // namespace zonal
