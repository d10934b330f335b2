#pragma once
/// The shared main() of zonal-tracker and zonal-node: flags and --help from the schema, layered
/// configuration, exit status 2 for a bad configuration and 1 for a failure while running.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <type_traits>

#include "settings.hpp"

namespace zonal::node {

/// Parse the command line of `program` with `schema`, build its options with `parse` (which may
/// throw for invalid settings) and return `run(options)`; call from main().
template <class Parse, class Run>
int program_main(const std::string& program, const std::string& description, ConfigSchema schema, int argc, char** argv,
                 Parse parse, Run run) {
  CLI::App app{program + ": " + description + " Settings: defaults < --config file < ZONAL_* environment < flags."};
  ConfigLoader loader(std::move(schema), "ZONAL_");
  loader.add_flags(app);
  CLI11_PARSE(app, argc, argv);
  std::invoke_result_t<Parse, const Settings&> options;
  try {
    options = parse(loader.load());
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace zonal::node
