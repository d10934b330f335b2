#pragma once
/// How the runtimes hand protocol messages to the network (gRPC Deliver / Chord in a real node).
#include "zonal/chord_message.hpp"
#include "zonal/message.hpp"

namespace zonal::node {

class Transport {
 public:
  virtual ~Transport() = default;
  /// Send `msg` from this node to peer `to`; must not block (called on the runtime's io thread).
  virtual void send(PeerId to, const Message& msg) = 0;
};

class ChordTransport {
 public:
  virtual ~ChordTransport() = default;
  /// Send the Chord message `msg` from this node to peer `to`; must not block (called on the
  /// Chord runtime's io thread).
  virtual void send_chord(PeerId to, const ChordMessage& msg) = 0;
};

}  // namespace zonal::node
