#pragma once
/// Layered configuration: built-in defaults < JSON config file < ZONAL_* environment variables <
/// command-line flags. Every key is declared once in a schema (default value + help text), which
/// gives the flags, the environment names, the --help text and the type checks. Errors name the
/// key and where the bad value came from.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
}

namespace zonal::node {

/// A rejected configuration; what() reads "<key>: <problem> (from <source>)".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One configuration key: dotted name ("grpc.port"), default value (its JSON type is the key's
/// type), and the help line shown by --help.
struct ConfigKey {
  std::string key;
  nlohmann::json fallback;
  std::string help;
};

using ConfigSchema = std::vector<ConfigKey>;

/// Effective, type-checked values; accessors range-check and throw ConfigError naming the key.
class Settings {
 public:
  /// Record `value` for `key`, read from `source` ("default", "config file x.json", "env ZONAL_X", "flag --x").
  void set(const std::string& key, nlohmann::json value, std::string source);
  /// Unsigned integer in [lo, hi]; call for ports, sizes, counts.
  std::uint64_t get_uint(const std::string& key, std::uint64_t lo, std::uint64_t hi) const;
  /// String value; `allow_empty` false rejects "".
  std::string get_string(const std::string& key, bool allow_empty = false) const;
  /// String that must be one of `choices`.
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices) const;
  /// Boolean value.
  bool get_bool(const std::string& key) const;
  /// Array of 32-bit ids (e.g. overlay.neighbours).
  std::vector<std::uint32_t> get_ids(const std::string& key) const;
  /// True when `key` was set by something other than its default.
  bool is_set(const std::string& key) const;
  /// Throw ConfigError "<key>: <problem> (from <source>)"; call from struct parsers for cross-field checks.
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;
  /// All values as one nested JSON document (for logging the effective configuration).
  nlohmann::json to_json() const;

 private:
  struct Entry {
    nlohmann::json value;
    std::string source;
  };
  const Entry& entry(const std::string& key) const;
  std::map<std::string, Entry> m_entries;
};

/// Reads the layers of one schema. Usage: add_flags(app); app.parse(...); load().
class ConfigLoader {
 public:
  /// `env_prefix` is "ZONAL_": key "grpc.port" reads env ZONAL_GRPC_PORT and flag --grpc-port.
  ConfigLoader(ConfigSchema schema, std::string env_prefix);
  /// Register --config FILE and one flag per key on `app`; call before app.parse().
  void add_flags(CLI::App& app);
  /// Merge defaults, the config file (if any), the environment and the flags; throws ConfigError.
  Settings load() const;

 private:
  void apply_file(Settings& s, const std::string& path) const;
  void apply_text(Settings& s, const ConfigKey& k, const std::string& text, const std::string& source) const;
  const ConfigKey* find(const std::string& key) const;

  ConfigSchema m_schema;
  std::string m_env_prefix;
  std::string m_config_file;
  std::map<std::string, std::string> m_flag_values;  ///< key -> raw flag text, only flags given
};

/// Environment variable name of `key` ("grpc.port" -> "ZONAL_GRPC_PORT").
std::string env_name(std::string_view prefix, std::string_view key);
/// Flag name of `key` ("grpc.port" -> "--grpc-port").
std::string flag_name(std::string_view key);

}  // namespace zonal::node
