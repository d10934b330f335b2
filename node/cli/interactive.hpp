#pragma once
/// The `zonal interactive` menu (like the first seed's): numbered choices that run the commands.
#include <istream>
#include <ostream>

#include "commands.hpp"

namespace zonal::cli {

/// Show the menu until the user quits or input ends; returns 0.
int run_interactive(const Target& t, std::istream& in, std::ostream& out);

}  // namespace zonal::cli
