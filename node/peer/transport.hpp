#pragma once
/// How the peer runtime hands protocol messages to the network (gRPC Deliver in a real node).
#include "zonal/message.hpp"

namespace zonal::node {

class Transport {
 public:
  virtual ~Transport() = default;
  /// Send `msg` from this node to peer `to`; must not block (called on the runtime's io thread).
  virtual void send(PeerId to, const Message& msg) = 0;
};

}  // namespace zonal::node
