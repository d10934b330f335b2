// libFuzzer target: arbitrary bytes into the wire decoders. Every input must either decode to a
// message whose re-encoding decodes to the same message, or be refused with a non-empty error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <google/protobuf/stubs/logging.h>

#include "zonal/wire/chord_codec.hpp"
#include "zonal/wire/codec.hpp"

/// libFuzzer calls this once: protobuf's log lines about invalid UTF-8 (refused inputs, expected
/// here by the thousand) would only slow the run down.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto result = zonal::wire::decode_bytes(bytes);
  if (result.ok() != result.error.empty()) std::abort();  // exactly one of value / error
  if (result.ok()) {
    const auto again = zonal::wire::decode_bytes(zonal::wire::encode_bytes(result.value->from, result.value->msg));
    if (!again.ok() || !(again.value->msg == result.value->msg) || again.value->from != result.value->from) std::abort();
  }
  for (unsigned bits : {8u, 64u}) {
    const auto chord = zonal::wire::decode_chord_bytes(bytes, bits);
    if (chord.ok() != chord.error.empty()) std::abort();
  }
  return 0;
}
