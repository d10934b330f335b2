#include "settings.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace zonal::node {
namespace {

using nlohmann::json;

std::string type_name_of(const json& v) {
  if (v.is_number_unsigned() || v.is_number_integer()) return "an unsigned integer";
  if (v.is_boolean()) return "a boolean";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "a value";
}

bool same_type(const json& fallback, const json& v) {
  if (fallback.is_number_integer()) return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (fallback.is_boolean()) return v.is_boolean();
  if (fallback.is_string()) return v.is_string();
  if (fallback.is_array()) return v.is_array();
  return false;
}

void flatten(const json& node, const std::string& prefix, std::vector<std::pair<std::string, const json*>>& out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      flatten(*it, key, out);
    } else {
      out.emplace_back(key, &*it);
    }
  }
}

}  // namespace

std::string env_name(std::string_view prefix, std::string_view key) {
  std::string out(prefix);
  for (char c : key) out += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string flag_name(std::string_view key) {
  std::string out = "--";
  for (char c : key) out += (c == '.' || c == '_') ? '-' : c;
  return out;
}

// ---- Settings ----

void Settings::set(const std::string& key, json value, std::string source) {
  if (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() >= 0)
    value = value.get<std::uint64_t>();  // one integer representation for range checks
  m_entries[key] = Entry{std::move(value), std::move(source)};
}

const Settings::Entry& Settings::entry(const std::string& key) const {
  auto it = m_entries.find(key);
  if (it == m_entries.end()) throw ConfigError(key + ": not a configuration key");
  return it->second;
}

void Settings::fail(const std::string& key, const std::string& problem) const {
  const auto it = m_entries.find(key);
  const std::string source = it == m_entries.end() ? "" : " (from " + it->second.source + ")";
  throw ConfigError(key + ": " + problem + source);
}

std::uint64_t Settings::get_uint(const std::string& key, std::uint64_t lo, std::uint64_t hi) const {
  const json& v = entry(key).value;
  if (!v.is_number_unsigned()) fail(key, "must be an unsigned integer, got " + v.dump());
  const auto n = v.get<std::uint64_t>();
  if (n < lo || n > hi) fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + std::to_string(n));
  return n;
}

std::string Settings::get_string(const std::string& key, bool allow_empty) const {
  const json& v = entry(key).value;
  if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
  auto s = v.get<std::string>();
  if (!allow_empty && s.empty()) fail(key, "must not be empty");
  return s;
}

std::string Settings::get_choice(const std::string& key, const std::vector<std::string>& choices) const {
  const std::string s = get_string(key);
  for (const auto& c : choices)
    if (c == s) return s;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  fail(key, "must be one of " + list + ", got \"" + s + "\"");
}

bool Settings::get_bool(const std::string& key) const {
  const json& v = entry(key).value;
  if (!v.is_boolean()) fail(key, "must be true or false, got " + v.dump());
  return v.get<bool>();
}

std::vector<std::uint32_t> Settings::get_ids(const std::string& key) const {
  const json& v = entry(key).value;
  if (!v.is_array()) fail(key, "must be an array of peer ids, got " + v.dump());
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number_unsigned() || v[i].get<std::uint64_t>() >= 0xFFFFFFFFull)
      fail(key, "element " + std::to_string(i) + " must be a peer id below 4294967295, got " + v[i].dump());
    out.push_back(v[i].get<std::uint32_t>());
  }
  return out;
}

bool Settings::is_set(const std::string& key) const { return entry(key).source != "default"; }

json Settings::to_json() const {
  json nested = json::object();
  for (const auto& [key, e] : m_entries) {
    std::string ptr = "/" + key;
    for (char& c : ptr) c = c == '.' ? '/' : c;
    nested[json::json_pointer(ptr)] = e.value;
  }
  return nested;
}

// ---- ConfigLoader ----

ConfigLoader::ConfigLoader(ConfigSchema schema, std::string env_prefix)
    : m_schema(std::move(schema)), m_env_prefix(std::move(env_prefix)) {}

const ConfigKey* ConfigLoader::find(const std::string& key) const {
  for (const auto& k : m_schema)
    if (k.key == key) return &k;
  return nullptr;
}

void ConfigLoader::add_flags(CLI::App& app) {
  app.add_option("--config", m_config_file, "JSON config file (keys as below, nested by their dots)");
  for (const auto& k : m_schema) {
    const std::string help = k.help + " [default " + k.fallback.dump() + "; env " + env_name(m_env_prefix, k.key) + "]";
    auto* opt = app.add_option_function<std::string>(
        flag_name(k.key), [this, key = k.key](const std::string& v) { m_flag_values[key] = v; }, help);
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a later flag overrides an earlier one
    opt->type_name(k.fallback.is_array() ? "JSON" : k.fallback.is_string() ? "TEXT" : k.fallback.is_boolean() ? "BOOL" : "UINT");
  }
}

void ConfigLoader::apply_text(Settings& s, const ConfigKey& k, const std::string& text, const std::string& source) const {
  json v;
  if (k.fallback.is_string()) {
    v = text;
  } else if (k.fallback.is_boolean()) {
    if (text == "true" || text == "1") v = true;
    else if (text == "false" || text == "0") v = false;
    else throw ConfigError(k.key + ": must be true or false, got \"" + text + "\" (from " + source + ")");
  } else if (k.fallback.is_array()) {
    v = json::parse(text, nullptr, false);
    if (v.is_discarded() || !v.is_array())
      throw ConfigError(k.key + ": must be a JSON array such as [1,2], got \"" + text + "\" (from " + source + ")");
  } else {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
      throw ConfigError(k.key + ": must be an unsigned integer, got \"" + text + "\" (from " + source + ")");
    v = n;
  }
  s.set(k.key, std::move(v), source);
}

void ConfigLoader::apply_file(Settings& s, const std::string& path) const {
  std::ifstream in(path);
  if (!in) throw ConfigError("--config: cannot read " + path);
  const json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) throw ConfigError("--config: " + path + " is not valid JSON");
  if (!doc.is_object()) throw ConfigError("--config: " + path + " must hold a JSON object");
  std::vector<std::pair<std::string, const json*>> leaves;
  flatten(doc, "", leaves);
  for (const auto& [key, value] : leaves) {
    const ConfigKey* k = find(key);
    if (k == nullptr) throw ConfigError(key + ": unknown key (from config file " + path + ")");
    if (!same_type(k->fallback, *value))
      throw ConfigError(key + ": must be " + type_name_of(k->fallback) + ", got " + value->dump() + " (from config file " + path + ")");
    s.set(key, *value, "config file " + path);
  }
}

Settings ConfigLoader::load() const {
  Settings s;
  for (const auto& k : m_schema) s.set(k.key, k.fallback, "default");
  if (!m_config_file.empty()) apply_file(s, m_config_file);
  for (const auto& k : m_schema) {
    const std::string name = env_name(m_env_prefix, k.key);
    if (const char* v = std::getenv(name.c_str())) apply_text(s, k, v, "env " + name);
  }
  for (const auto& [key, text] : m_flag_values) apply_text(s, *find(key), text, "flag " + flag_name(key));
  return s;
}

}  // namespace zonal::node
