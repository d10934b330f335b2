#include "commands.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <utility>
#include <vector>

#include "http_client.hpp"

namespace zonal::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

/// Run one request; print the error and return nullopt on failure.
std::optional<json> call(const Target& t, const std::string& method, const std::string& target, const json& body = nullptr) {
  try {
    HttpResult r = http_call(t.node, method, target, body, t.call);
    if (r.status >= 400) {
      std::cerr << "zonal: " << r.body.value("error", "HTTP " + std::to_string(r.status)) << '\n';
      return std::nullopt;
    }
    return r.body;
  } catch (const std::exception& e) {
    std::cerr << "zonal: " << e.what() << '\n';
    return std::nullopt;
  }
}

template <class Print>
int run(const Target& t, std::ostream& out, const std::string& method, const std::string& target, const json& body, Print print) {
  const auto r = call(t, method, target, body);
  if (!r) return 1;
  if (t.json) {
    out << r->dump(2) << '\n';
  } else {
    print(*r);
  }
  return 0;
}

std::string peer_text(const json& id) { return id.is_number() ? std::to_string(id.get<std::uint64_t>()) : id.dump(); }

/// One line about the node's Chord ring membership, when it has one.
void print_chord(const json& c, std::ostream& out) {
  if (!c.value("enabled", false)) return;
  const auto peer_of = [](const json& r) { return r.is_null() ? std::string("none") : "peer " + peer_text(r["peer"]); };
  out << "chord " << c["state"].get<std::string>() << " at id " << c["id"] << ", successor " << peer_of(c["successor"])
      << ", predecessor " << peer_of(c["predecessor"]) << ", " << c["successors"].size() << " successors, " << c["records"]
      << " records\n";
}

/// One line per distinct (holder, responder, hops) in arrival order; repeats (e.g. several random
/// walkers reaching the same holder) are counted on the first line instead of printed again.
void print_hits(const json& hits, std::ostream& out) {
  std::vector<std::pair<const json*, std::size_t>> lines;
  for (const auto& h : hits) {
    const auto same = [&](const auto& line) {
      const json& f = *line.first;
      return f["holder"] == h["holder"] && f["responder"] == h["responder"] && f["hops"] == h["hops"];
    };
    const auto it = std::find_if(lines.begin(), lines.end(), same);
    if (it != lines.end()) ++it->second;
    else lines.emplace_back(&h, 1);
  }
  for (const auto& [h, count] : lines) {
    out << "  holder " << (*h)["holder"] << " at " << (*h)["address"].get<std::string>() << ", answered by "
        << (*h)["responder"] << " after " << (*h)["hops"] << " hop(s), " << std::fixed << std::setprecision(1)
        << (*h)["elapsed_ms"].get<double>() << " ms";
    if (count > 1) out << " (and " << count - 1 << " more the same way)";
    out << "\n";
  }
}

}  // namespace

int cmd_status(const Target& t, std::ostream& out) {
  return run(t, out, "GET", "/api/status", nullptr, [&](const json& s) {
    out << "peer " << s["id"] << " at " << s["address"].get<std::string>() << ", zone " << s["zone"] << " of " << s["zone_count"]
        << " (epoch " << s["epoch"] << ")\n"
        << "tracker " << s["tracker"].get<std::string>() << (s["registered"].get<bool>() ? " (registered)" : " (not registered)")
        << "\nsharing " << s["files"] << " files from " << s["shared_dir"].get<std::string>() << "; " << s["records"]
        << " index records kept for others\noverlay links " << s["overlay"].dump() << ", zone links " << s["zone_links"].dump() << '\n';
    print_chord(s.value("chord", json::object()), out);
  });
}

int cmd_peers(const Target& t, std::ostream& out) {
  return run(t, out, "GET", "/api/peers", nullptr, [&](const json& r) {
    out << std::left << std::setw(8) << "id" << std::setw(24) << "address" << "zone\n";
    for (const auto& p : r["peers"])
      out << std::setw(8) << (peer_text(p["id"]) + (p["self"].get<bool>() ? "*" : "")) << std::setw(24)
          << p["address"].get<std::string>() << p["zone"] << '\n';
  });
}

int cmd_zones(const Target& t, std::ostream& out) {
  return run(t, out, "GET", "/api/zones", nullptr, [&](const json& r) {
    out << r["zone_count"] << " zones (epoch " << r["epoch"] << ")\n";
    for (const auto& z : r["zones"]) out << "zone " << z["zone"] << ": " << z["members"].size() << " members " << z["members"].dump() << '\n';
  });
}

int cmd_files(const Target& t, std::ostream& out) {
  return run(t, out, "GET", "/api/files", nullptr, [&](const json& r) {
    if (r["files"].empty()) out << "no shared files\n";
    for (const auto& f : r["files"])
      out << f["name"].get<std::string>() << "  " << f["size"] << " bytes  sha256 " << f["sha256"].get<std::string>() << '\n';
  });
}

int cmd_search(const Target& t, const std::string& name, const std::string& strategy, unsigned ttl, std::ostream& out,
               const std::string& wait) {
  std::string target = "/api/search?name=" + url_encode(name);
  if (!strategy.empty()) target += "&strategy=" + url_encode(strategy);
  if (ttl != 0) target += "&ttl=" + std::to_string(ttl);
  if (!wait.empty()) target += "&wait=" + url_encode(wait);
  return run(t, out, "GET", target, nullptr, [&](const json& r) {
    out << r["hits"].size() << " hit(s) for \"" << name << "\" (" << r["strategy"].get<std::string>();
    if (!r.value("complete", true)) out << "; answered at the first hit, --wait all collects every hit";
    out << ")\n";
    print_hits(r["hits"], out);
  });
}

int cmd_get(const Target& t, const std::string& name, const std::string& strategy, std::ostream& out) {
  json body = {{"name", name}};
  if (!strategy.empty()) body["strategy"] = strategy;
  return run(t, out, "POST", "/api/get", body, [&](const json& r) {
    const auto& f = r["file"];
    if (r["already_shared"].get<bool>()) {
      out << "\"" << name << "\" is already shared by this node\n";
      return;
    }
    out << "downloaded \"" << name << "\": " << f["size"] << " bytes, sha256 " << f["sha256"].get<std::string>() << " verified\n";
    for (const auto& s : r["sources"]) out << "  " << s["bytes"] << " bytes from peer " << s["peer"] << " (from offset " << s["from_offset"] << ")\n";
  });
}

int cmd_share(const Target& t, const std::string& path_or_name, std::ostream& out) {
  std::string name = path_or_name;
  std::error_code ec;
  if (fs::is_regular_file(path_or_name, ec) && path_or_name.find('/') != std::string::npos) {
    const auto status = call(t, "GET", "/api/status");
    if (!status) return 1;
    const fs::path dest = fs::path((*status)["shared_dir"].get<std::string>()) / fs::path(path_or_name).filename();
    fs::copy_file(path_or_name, dest, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::cerr << "zonal: cannot copy into " << dest << ": " << ec.message() << " (share only works on the node's host)\n";
      return 1;
    }
    name = fs::path(path_or_name).filename().string();
  }
  return run(t, out, "POST", "/api/share", json{{"name", name}}, [&](const json& f) {
    out << "sharing \"" << f["name"].get<std::string>() << "\" (" << f["size"] << " bytes, sha256 " << f["sha256"].get<std::string>() << ")\n";
  });
}

int cmd_upload(const Target& t, const std::string& name, std::ostream& out) {
  return run(t, out, "POST", "/api/store", json{{"name", name}}, [&](const json& r) {
    out << "\"" << name << "\" stored on peer " << r["stored_on"] << " (" << r["address"].get<std::string>() << "), home zone "
        << r["zone"] << '\n';
  });
}

int cmd_ui(const Target& t, std::ostream& out) {
  return run(t, out, "GET", "/api/status", nullptr, [&](const json& r) {
    std::string url = "http://" + t.node + "/";
    if (!t.call.token.empty()) url += "#token=" + t.call.token;
    out << url << '\n';
    if (!t.json) out << "(node " << r["id"] << "; open it in a browser on this host)\n";
  });
}

}  // namespace zonal::cli
