#pragma once
/// How identities are named in certificates (docs/security.md, "Identities"). A certificate's
/// subject common name and its one DNS subject-alternative name are the same identity name:
///   "node-<id>"  a node whose peer id is <id> (decimal, 0..4294967293, no leading zeros)
///   "tracker"    the tracker
/// The id in the name is the node's peer id: the tracker registers a node only under the id of
/// its certificate, and a node's messages must carry that id as their sender.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zonal::node {

/// Identity name of the tracker's certificate.
inline constexpr std::string_view tracker_identity_name = "tracker";
/// Largest peer id a certificate may carry (0xFFFFFFFE is the core's tracker_peer_id, 0xFFFFFFFF
/// no_peer; this library does not link the core).
inline constexpr std::uint32_t identity_peer_id_max = 0xFFFFFFFDu;

/// Identity name of node `id` ("node-17").
std::string node_identity_name(std::uint32_t id);
/// Peer id named by `name` ("node-17" -> 17); nullopt for "tracker" and anything malformed.
std::optional<std::uint32_t> peer_id_of_identity(std::string_view name);
/// Why `name` is not a valid identity name; nullopt when it is ("tracker" or "node-<id>").
std::optional<std::string> identity_name_problem(std::string_view name);

}  // namespace zonal::node
