#include "api_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zonal::node {
namespace {

constexpr std::string_view exempt_paths[] = {"/healthz", "/readyz", "/", "/index.html"};  // health checks, the web page
constexpr std::string_view exempt_prefixes[] = {"/ui/"};  // static files of the web page

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

HttpResponse refuse(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = {{"error", message}};
  if (status == 401) r.headers["WWW-Authenticate"] = "Bearer realm=\"zonal\"";
  return r;
}

[[noreturn]] void fail_io(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(errno));
}

/// Write `text` to a new file `path` with mode 0600: temporary file, checked write, fsync and
/// close, then rename, so a crash leaves either no token file or a whole one.
void write_token_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) fail_io(tmp, "cannot create the API token file");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      fail_io(tmp, "cannot write the API token");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    fail_io(tmp, "cannot sync the API token");
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail_io(tmp, "cannot close the API token file");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail_io(path, "cannot rename the API token file into place");
  }
}

std::string new_token() {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("cannot draw random bytes for the API token");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace

bool auth_exempt(std::string_view path) {
  if (std::find(std::begin(exempt_paths), std::end(exempt_paths), path) != std::end(exempt_paths)) return true;
  return std::any_of(std::begin(exempt_prefixes), std::end(exempt_prefixes),
                     [path](std::string_view p) { return path.substr(0, p.size()) == p; });
}

std::vector<std::string> default_allowed_hosts(const std::vector<std::string>& extra) {
  std::vector<std::string> out{"localhost", "127.0.0.1", "::1"};
  for (const auto& h : extra) {
    const std::string name = host_part(h);
    if (name.empty() || name == "0.0.0.0" || name == "::") continue;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

std::string host_part(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return lower(authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  const auto colon = authority.find(':');
  if (colon != std::string_view::npos && authority.find(':', colon + 1) == std::string_view::npos)
    return lower(authority.substr(0, colon));  // name:port
  return lower(authority);  // a name, or a bare IPv6 address
}

ApiAuth::ApiAuth(std::string token, std::vector<std::string> allowed_hosts) : m_token(std::move(token)) {
  for (const auto& h : allowed_hosts) m_hosts.push_back(host_part(h));
}

bool ApiAuth::host_allowed(std::string_view host) const {
  return std::find(m_hosts.begin(), m_hosts.end(), host) != m_hosts.end();
}

std::optional<HttpResponse> ApiAuth::check(const HttpRequest& req) {
  const std::string* host = req.header("host");
  if (host == nullptr || !host_allowed(host_part(*host))) {
    ++m_forbidden;
    return refuse(403, "Host: \"" + (host ? *host : std::string()) +
                           "\" is not a name of this node (rest.allowed_hosts lists the accepted names)");
  }
  if (const std::string* origin = req.header("origin")) {
    const auto scheme_end = origin->find("://");
    const bool ok = scheme_end != std::string::npos && host_allowed(host_part(std::string_view(*origin).substr(scheme_end + 3)));
    if (!ok) {
      ++m_forbidden;
      return refuse(403, "Origin: \"" + *origin + "\" may not use this node's API (cross-site request refused)");
    }
  }
  if (auth_exempt(req.path)) return std::nullopt;
  const std::string* auth = req.header("authorization");
  if (!bearer_ok(auth)) {
    return refuse(401, auth == nullptr ? "Authorization: missing; send \"Authorization: Bearer TOKEN\" (the token is in DATA_DIR/api-token)"
                                       : "Authorization: wrong API token");
  }
  return std::nullopt;
}

bool ApiAuth::bearer_ok(const std::string* auth) {
  constexpr std::string_view scheme = "Bearer ";
  if (auth == nullptr || auth->size() != scheme.size() + m_token.size() || auth->compare(0, scheme.size(), scheme) != 0 ||
      CRYPTO_memcmp(auth->data() + scheme.size(), m_token.data(), m_token.size()) != 0) {
    ++m_unauthorized;
    return false;
  }
  return true;
}

std::optional<std::string> api_token_problem(std::string_view token) {
  if (token.size() < 16 || token.size() > 512) return "must be 16 to 512 characters long, got " + std::to_string(token.size());
  for (unsigned char c : token)
    if (!std::isalnum(c) && std::string_view("-._~+/=").find(static_cast<char>(c)) == std::string_view::npos)
      return std::string("may only hold letters, digits and - . _ ~ + / =");
  return std::nullopt;
}

std::string load_or_create_api_token(const std::filesystem::path& data_dir, const std::string& configured) {
  if (!configured.empty()) {
    if (auto p = api_token_problem(configured)) throw std::runtime_error("rest.token: " + *p);
    return configured;
  }
  const auto path = api_token_path(data_dir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) fail_io(path, "cannot inspect the API token file");
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) throw std::runtime_error(data_dir.string() + ": cannot create the data directory: " + ec.message());
    const std::string token = new_token();
    write_token_file(path, token + "\n");
    return token;
  }
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path.string() + ": not a regular file");
  if ((st.st_mode & 077) != 0)
    throw std::runtime_error(path.string() + ": other users may read the API token (mode " +
                             std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                             std::to_string(st.st_mode & 7) + "); run chmod 600 on it");
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) fail_io(path, "cannot read the API token");
  if (auto p = api_token_problem(token)) throw std::runtime_error(path.string() + ": the API token " + *p);
  return token;
}

}  // namespace zonal::node
