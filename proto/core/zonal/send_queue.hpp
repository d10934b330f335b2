#pragma once
/// Pending outgoing messages of one peer. A broadcast is stored once and expanded lazily
/// into one Transmit per neighbour, so a flood costs no per-neighbour memory.
#include <cstdint>
#include <optional>
#include <span>

#include "zonal/message.hpp"

namespace zonal {

/// One word while empty (a million idle peers each hold one): the items live in one heap
/// block, allocated when the first is queued and freed when the queue is drained. While empty
/// the word is the owner's (word()/set_word(): the Peer keeps its configuration or cold-state
/// address there), while not it moves into the block's header, so both cost one word together.
class SendQueue {
 public:
  SendQueue() noexcept = default;
  SendQueue(SendQueue&& other) noexcept : m_bits(other.m_bits) { other.m_bits = 0; }
  SendQueue& operator=(SendQueue&& other) noexcept;
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;
  ~SendQueue() { release(); }

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
  bool empty() const noexcept { return block() == nullptr || block()->head == block()->size; }

  /// The owner's word (0 until set), wherever it is kept; read it any time.
  std::uintptr_t word() const noexcept { return block() != nullptr ? block()->word : m_bits; }
  /// Replace the owner's word; its lowest bit must be clear (it tells a block from a word).
  void set_word(std::uintptr_t word) noexcept {
    if (Block* b = block()) {
      b->word = word;
    } else {
      m_bits = word;
    }
  }

 private:
  struct Item {
    Message msg;
    const PeerId* targets;  // unicast: nullptr (the destination is `to`); broadcast: neighbour table
    PeerId to;
    PeerId except;
    std::uint32_t count;
    std::uint32_t cursor;
  };
  /// Header of the heap block; `capacity` items follow it.
  struct alignas(Item) Block {
    std::uintptr_t word;  // the owner's while the block exists
    std::uint32_t head;
    std::uint32_t size;
    std::uint32_t capacity;
    Item* items() noexcept { return reinterpret_cast<Item*>(this + 1); }
  };
  static constexpr std::uintptr_t block_bit = 1;

  Block* block() const noexcept {
    return (m_bits & block_bit) != 0 ? reinterpret_cast<Block*>(m_bits & ~block_bit) : nullptr;
  }
  void* append();
  static void fill(void* slot, const Message& msg, const PeerId* targets, PeerId to, PeerId except,
                   std::uint32_t count) noexcept;
  void release() noexcept;

  std::uintptr_t m_bits = 0;  // the owner's word, or the block's address | block_bit
};

}  // namespace zonal
