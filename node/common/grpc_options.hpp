#pragma once
/// gRPC settings shared by every server and client of a node or tracker. Include only from .cpp files.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "tls_config.hpp"

namespace zonal::node {

/// Largest gRPC message a node sends or accepts: a file chunk (<= 4 MiB) plus framing.
inline constexpr int grpc_message_bytes_max = 5 << 20;

/// Channel to `address` with explicit message size limits; call for every outbound stub. With
/// `tls` enabled it is mutual TLS and the server must present the certificate of identity
/// `peer_name` ("node-17", "tracker"; identity_name.hpp) signed by the cluster CA; without,
/// plaintext (`peer_name` unused). `own_connection`: never share a connection with other channels
/// (for probing that a listener still accepts).
std::shared_ptr<grpc::Channel> make_channel(const std::string& address, const TlsConfig& tls, const std::string& peer_name,
                                           bool own_connection = false);

/// Resource bounds of a gRPC server (limits.grpc_* settings of a node).
struct GrpcServerLimits {
  int threads_max = 64;               ///< threads serving calls; more calls wait or get RESOURCE_EXHAUSTED
  int streams_max = 32;               ///< concurrent calls on one connection
  int handshake_timeout_ms = 10'000;  ///< a connection must finish its HTTP/2 (and TLS) handshake within this
  int idle_connection_ms = 300'000;   ///< connections without calls this long are closed
};

/// Apply the message size limits and `limits` to a server under construction.
void apply_limits(grpc::ServerBuilder& builder, const GrpcServerLimits& limits = {});

/// Build and start a server for `service` on bind:port with the limits applied, over mutual TLS
/// (client certificates required and verified against the CA) when `tls` is enabled, else
/// plaintext with a loud warning unless `bind` is a loopback address. Stores the bound port
/// (the OS's choice for port 0) in `bound_port`. Throws std::runtime_error when it cannot listen.
std::unique_ptr<grpc::Server> start_server(grpc::Service& service, const std::string& bind, std::uint16_t port, int& bound_port,
                                           const TlsConfig& tls, const GrpcServerLimits& limits = {});

/// True for addresses that only this machine reaches (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

/// Shut `server` down (running calls get two seconds), wait for it and release it; idempotent.
void stop_server(std::unique_ptr<grpc::Server>& server);

/// Set a deadline `timeout_ms` from now on `ctx`; every outbound RPC gets one.
void set_deadline(grpc::ClientContext& ctx, std::uint32_t timeout_ms);

}  // namespace zonal::node
