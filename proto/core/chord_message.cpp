#include "zonal/chord_message.hpp"

#include "zonal/hash.hpp"

namespace zonal {

namespace {

template <class M, class... Of>
inline constexpr bool is_one_of = (std::is_same_v<M, Of> || ...);

std::optional<ChordLookupTag> tag(PeerId origin, ChordLookupId lookup) noexcept {
  if (lookup == 0 || origin == no_peer) return std::nullopt;
  return ChordLookupTag{origin, lookup};
}

}  // namespace

std::optional<ChordLookupTag> chord_lookup_tag(PeerId from, PeerId to, const ChordMessage& msg) noexcept {
  return std::visit(
      [from, to](const auto& m) -> std::optional<ChordLookupTag> {
        using M = std::decay_t<decltype(m)>;
        if constexpr (is_one_of<M, ChordFindSuccessor, ChordFetch>) {
          return tag(from, m.lookup);  // requests travel from the origin
        } else if constexpr (is_one_of<M, ChordFindSuccessorReply, ChordLookupResult, ChordFetchReply>) {
          return tag(to, m.lookup);  // answers travel to the origin
        } else if constexpr (is_one_of<M, ChordForward, ChordForwardAck, ChordStore>) {
          return tag(m.origin, m.lookup);  // between other nodes: the origin is carried
        } else {
          return std::nullopt;  // stabilization, pings and leave notices are maintenance
        }
      },
      msg);
}

std::uint32_t chord_list_digest(std::span<const ChordRef> list) noexcept {
  std::uint64_t h = mix64(list.size());
  for (const ChordRef& r : list) h = mix64(mix64(h ^ r.id()) ^ r.peer);
  return static_cast<std::uint32_t>(h >> 32);
}

}  // namespace zonal
