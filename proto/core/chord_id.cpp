#include "zonal/chord_id.hpp"

#include <string>

#include "zonal/hash.hpp"

namespace zonal {

ChordId chord_key_of_file(FileKey file, unsigned bits) noexcept {
  const ChordSpace space(bits);
  return mix64(file) >> (chord_id_bits_max - space.bits());
}

ChordId chord_id_of_address(std::string_view address, unsigned bits) noexcept {
  return chord_key_of_file(file_key(address), bits);
}

ChordId chord_id_draw(std::string_view address, unsigned bits, unsigned draw) {
  if (draw == 0) return chord_id_of_address(address, bits);
  std::string salted(address);
  salted += '#';
  salted += std::to_string(draw);
  return chord_id_of_address(salted, bits);
}

}  // namespace zonal
