#pragma once
/// The sans-IO Chord node (Stoica et al., SIGCOMM 2001): feed it inputs with handle_*() and
/// commands, then drain poll_*(). No clock, no sockets, no global state. A crash is the driver
/// no longer delivering to or from the node. Protocol: docs/protocol.md, "Chord".
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "zonal/chord_config.hpp"
#include "zonal/chord_event.hpp"
#include "zonal/chord_message.hpp"
#include "zonal/chord_pending.hpp"
#include "zonal/chord_records.hpp"
#include "zonal/chord_table.hpp"
#include "zonal/message.hpp"
#include "zonal/rng.hpp"

namespace zonal {

enum class ChordState : std::uint8_t {
  idle,     ///< constructed, not on a ring
  joining,  ///< join() sent, successor not yet known
  member,   ///< on a ring: answers requests, runs the periodic timers
  left,     ///< leave() done: ignores everything
};

/// What a node looks like to the ring checker (see chord_ring_check.hpp).
struct ChordNodeView {
  ChordRef self;
  ChordRef predecessor;
  std::span<const ChordRef> successors;
  bool live = true;
};

class ChordNode {
 public:
  /// Create a node; `self.id()` should be chord_id_of_address(address, m) and `rng_seed` derived
  /// from the run seed and the peer (it drives timer jitter and recursive nonces).
  ChordNode(ChordRef self, const ChordConfig& config, std::uint64_t rng_seed);
  /// Same, sharing one configuration among many nodes (big simulated rings).
  ChordNode(ChordRef self, std::shared_ptr<const ChordConfig> config, std::uint64_t rng_seed);

  // ---- commands ---------------------------------------------------------------------
  /// Start a new ring with this node alone; call on the first node.
  void create(TimeUs now);
  /// Join through any member `bootstrap`; ChordJoined or ChordJoinFailed follows.
  void join(TimeUs now, ChordRef bootstrap);
  /// Move this node to ring position `id` (masked to m bits) before it joins again; call after a
  /// ChordJoinFailed with id_taken, with the next chord_id_draw(). False (nothing changes)
  /// unless the node is idle.
  bool set_id(ChordId id);
  /// Leave gracefully: hand records to the successor, tell predecessor and successor, stop.
  void leave(TimeUs now);
  /// Find the successor of `key`; every message of it carries `lookup_id` (0 = maintenance).
  /// Ends with a ChordLookupDone (op lookup).
  void lookup(TimeUs now, ChordId key, ChordLookupMode mode, ChordLookupId lookup_id);
  /// Index "holder has file" at the file key's successor (and its successors with replication).
  /// Ends with a ChordLookupDone (op store) once the record is sent.
  void store(TimeUs now, FileKey file, PeerId holder, ChordLookupId lookup_id = 0);
  /// Look up the file key's successor and fetch the holders it indexes; ends with a
  /// ChordLookupDone (op find) listing up to 3 holders.
  void find(TimeUs now, FileKey file, ChordLookupId lookup_id);
  /// find() with an explicit lookup mode.
  void find(TimeUs now, FileKey file, ChordLookupMode mode, ChordLookupId lookup_id);
  /// Become a member of the stable ring `ring` (sorted by id, containing this node, distinct
  /// ids) with exact predecessor, successor list and fingers, without any message; false when
  /// this node is not in `ring` (or is joining or has left). Call on every node to start a big
  /// ring without simulating joins; on a member it replaces the routing state.
  bool install_stable_state(TimeUs now, std::span<const ChordRef> ring);
  /// Index a record here directly (driver-side placement for stable rings, no message).
  void add_record(FileKey file, PeerId holder);
  /// Drop stored records whose lifetime (record_ttl_us) lapsed by `now`; returns how many. Real
  /// nodes call it periodically. Queues nothing.
  std::size_t expire_records(TimeUs now) { return m_records.expire(now); }

  // ---- inputs -----------------------------------------------------------------------
  /// Process one message from `from`; call for every delivered message. `dropped` means it
  /// changed nothing and queued nothing.
  Arrival handle_message(TimeUs now, PeerId from, const ChordMessage& msg);
  /// Fire due timers and request timeouts; call when the time from poll_timeout() is reached.
  void handle_timeout(TimeUs now);

  // ---- outputs ----------------------------------------------------------------------
  /// Next message to send, or nullopt; drain after every handle_*() or command.
  std::optional<ChordTransmit> poll_transmit();
  /// Next event, or nullopt; drain after every handle_*() or command.
  std::optional<ChordEvent> poll_event();
  /// Earliest time handle_timeout() must be called, if any timer or request is pending.
  std::optional<TimeUs> poll_timeout() const noexcept;

  // ---- state ------------------------------------------------------------------------
  ChordRef self() const noexcept { return m_table.self(); }
  ChordState state() const noexcept { return m_state; }
  const ChordTable& table() const noexcept { return m_table; }
  ChordRef successor() const noexcept { return m_table.successor(); }
  ChordRef predecessor() const noexcept { return m_table.predecessor(); }
  const ChordRecords& records() const noexcept { return m_records; }
  const ChordConfig& config() const noexcept { return *m_config; }
  /// This node as the ring checker sees it; `live` is the driver's knowledge (crashed or not).
  ChordNodeView view(bool live) const noexcept;
  /// Bytes this node holds: the object plus its heap (routing table, records, in-flight state).
  std::size_t memory_bytes() const noexcept;

  // ---- performance hints (no effect on behaviour; simulators, a few deliveries ahead) ---------
  /// Once the node itself is in cache: start loading its routing table and in-flight state.
  void prefetch_state() const noexcept {
#if defined(__GNUC__)
    const auto* refs = reinterpret_cast<const char*>(m_table.successors().data());
    const std::size_t bytes = (m_table.successors().size() + m_table.fingers().size()) * sizeof(ChordRef);
    for (std::size_t at = 0; at < bytes; at += 64) __builtin_prefetch(refs + at);
    if (const auto* active = reinterpret_cast<const char*>(m_active.get())) {
      for (std::size_t at = 0; at < sizeof(ChordActive); at += 64) __builtin_prefetch(active + at);
    }
#endif
  }
  /// After prefetch_state(): start loading the outstanding requests and lookups a reply reads.
  void prefetch_requests() const noexcept {
#if defined(__GNUC__)
    if (!m_active) return;
    __builtin_prefetch(m_active->rpcs.data());
    const auto* lookups = reinterpret_cast<const char*>(m_active->lookups.data());
    if (lookups == nullptr) return;
    for (std::size_t at = 0; at < sizeof(ChordLookupState); at += 64) __builtin_prefetch(lookups + at);
#endif
  }

 private:
  struct Snapshot {
    ChordRef successor;
    ChordRef predecessor;
    ChordState state;
  };

  // chord_node.cpp: plumbing
  ChordActive& active();
  void release_if_idle() noexcept;
  Snapshot snapshot() const noexcept { return {m_table.successor(), m_table.predecessor(), m_state}; }
  void report_changes(const Snapshot& before);
  void send(PeerId to, const ChordMessage& msg);
  void emit(const ChordEvent& ev) { active().events.push_back(ev); }
  ChordRpcId next_rpc() noexcept;
  void send_request(TimeUs now, ChordRef target, ChordRpcKind kind, const ChordMessage& msg, ChordRpcId rpc,
                    std::uint32_t serial = 0);
  ChordPendingRpc* find_rpc(PeerId from, ChordRpcId rpc, ChordRpcKind kind) noexcept;
  ChordPendingRpc take_rpc(ChordPendingRpc* rpc);
  bool has_rpc(ChordRpcKind kind) const noexcept;
  void expire_rpcs(TimeUs now);
  void on_rpc_failed(TimeUs now, const ChordPendingRpc& rpc);
  void become_member(TimeUs now);
  TimeUs jittered(TimeUs now, TimeUs interval_us);
  void run_periodic(TimeUs now);
  bool valid_ref(const ChordRef& r) const noexcept;
  void forget(PeerId peer) { m_table.remove(peer); }
  bool on(TimeUs now, PeerId from, const ChordFindSuccessor& m);
  bool on(TimeUs now, PeerId from, const ChordFindSuccessorReply& m);
  bool on(TimeUs now, PeerId from, const ChordForward& m);
  bool on(TimeUs now, PeerId from, const ChordForwardAck& m);
  bool on(TimeUs now, PeerId from, const ChordLookupResult& m);
  bool on(TimeUs now, PeerId from, const ChordFetch& m);
  bool on(TimeUs now, PeerId from, const ChordFetchReply& m);
  bool on(TimeUs now, PeerId from, const ChordStore& m);
  bool on(TimeUs now, PeerId from, const ChordStabilize& m);
  bool on(TimeUs now, PeerId from, const ChordStabilizeReply& m);
  bool on(TimeUs now, PeerId from, const ChordSuccessorEntry& m);
  bool on(TimeUs now, PeerId from, const ChordPing& m);
  bool on(TimeUs now, PeerId from, const ChordPong& m);
  bool on(TimeUs now, PeerId from, const ChordLeaveNotice& m);

  // chord_lookup.cpp: lookups this node originates
  void start_lookup(TimeUs now, ChordLookupState lookup, ChordRef first_hop);
  ChordLookupState* find_lookup(std::uint32_t serial) noexcept;
  void route_local(TimeUs now, ChordLookupState& l);
  void go_to(TimeUs now, ChordLookupState& l, ChordRef node);
  void ask(TimeUs now, ChordLookupState& l, ChordRef node, PeerId after, bool reasking);
  void exclude(ChordLookupState& l, PeerId peer) noexcept;
  void step_answered(TimeUs now, ChordLookupState& l, const ChordPendingRpc& rpc, ChordRoute answer);
  void dead_end(TimeUs now, ChordLookupState& l, ChordRef node, bool dead);
  static bool excluded(const ChordLookupState& l, PeerId peer) noexcept;
  void reached(TimeUs now, ChordLookupState& l, ChordRef successor);
  void complete_join(TimeUs now, ChordLookupState& l, ChordRef successor);
  void finish(TimeUs now, ChordLookupState& l, ChordStatus status);
  void drop_lookup(std::uint32_t serial);
  void expire_lookups(TimeUs now);
  void fail_all_lookups(TimeUs now);

  // chord_relay.cpp: recursive forwarding, answering requests, records
  void forward(TimeUs now, const ChordForward& msg, ChordRef to, std::uint32_t own_serial);
  void relay(TimeUs now, const ChordForward& at_this_node);
  void answer_origin(TimeUs now, const ChordLookupResult& result, PeerId origin);
  void expire_forwards(TimeUs now);
  std::uint32_t store_local(TimeUs now, const ChordStore& m);
  /// When a record stored at `now` lapses (0: never).
  std::uint32_t record_expiry_s(TimeUs now) const noexcept;
  void fill_holders(ChordId key, FileKey file, std::array<PeerId, 3>& holders, std::uint32_t& total) const noexcept;

  // chord_maintenance.cpp: stabilization, finger repair, departure
  void stabilize(TimeUs now);
  void notify(ChordRef node);
  void check_predecessor(TimeUs now);
  void fix_fingers(TimeUs now);
  void finger_resolved(unsigned k, ChordRef node);
  void expire_transfer(TimeUs now);
  void hand_over(PeerId to, std::span<const ChordRecord> records);
  void lose_ring(TimeUs now);

  ChordTable m_table;
  std::shared_ptr<const ChordConfig> m_config;
  Rng m_rng;
  ChordRecords m_records;
  std::unique_ptr<ChordActive> m_active;
  /// The next transmit when no other is queued: a node that only answers (most messages)
  /// never allocates ChordActive. Always before ChordActive::transmits' pending ones.
  std::optional<ChordTransmit> m_out;
  ChordRpcId m_rpc_counter = 0;  // fills m_out's tail padding: the node stays within 176 bytes
  TimeUs m_next_stabilize_us = chord_never;
  TimeUs m_next_fix_fingers_us = chord_never;
  TimeUs m_next_check_predecessor_us = chord_never;
  std::uint32_t m_serial_counter = 0;
  ChordState m_state = ChordState::idle;
  std::uint8_t m_next_finger = 1;
  bool m_linked = false;  ///< has had a successor (false: a ring's creator still alone)
};

}  // namespace zonal
