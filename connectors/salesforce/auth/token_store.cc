#include "connectors/salesforce/auth/token_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

constexpr int kFormat = 1;

Status StoreError(StatusCode code, std::string message) { return Status(code, std::move(message), "store"); }

std::string Errno() { return std::strerror(errno); }

// mkdir -p, new directories 0700.
Status MakeDirectories(const std::string& dir) {
  std::string partial;
  size_t from = 1;
  while (true) {
    const size_t slash = dir.find('/', from);
    partial = dir.substr(0, slash);
    if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return StoreError(StatusCode::kFailedPrecondition, "cannot create directory " + partial + ": " + Errno());
    }
    if (slash == std::string::npos) return Status::Ok();
    from = slash + 1;
  }
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status(StatusCode::kFailedPrecondition, Errno());
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status(StatusCode::kFailedPrecondition, Errno());
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status(StatusCode::kFailedPrecondition, Errno());
}

std::string Text(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string CredentialsFingerprint(const OAuthSettings& settings) {
  std::string text = settings.client_secret + '\n' + settings.refresh_token + '\n' + settings.private_key_file + '\n' +
                     settings.private_key_passphrase;
  for (const std::string& scope : settings.scopes) text += '\n' + scope;
  return Sha256Hex(text);
}

std::string StoreIdentity(const OAuthSettings& settings) {
  if (settings.flow == "jwt_bearer") return "jwt_bearer:" + settings.username;
  if (settings.flow == "authorization_code" || settings.flow == "device") return "login";
  // Each refresh token (each user it was issued to) has its own chain of rotations.
  if (settings.flow == "refresh_token") return "refresh_token:" + Sha256Hex(settings.refresh_token);
  return settings.flow;
}

TokenStoreLock::~TokenStoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

TokenStore::TokenStore(const OAuthSettings& settings)
    : dir_(settings.state_dir + "/tokens"),
      login_url_(settings.login_url),
      client_id_(settings.client_id),
      identity_(StoreIdentity(settings)) {
  path_ = PathFor(identity_);
  lock_path_ = path_.substr(0, path_.size() - 5) + ".lock";
  if (settings.flow == "refresh_token") {
    // Until version 2 every refresh token of a connection shared one file; a job's own chain is
    // picked up from there once (when it descends from the job's token) and then kept in its own.
    legacy_identity_ = settings.flow;
    legacy_origin_ = Sha256Hex(settings.refresh_token);
  }
}

std::string TokenStore::PathFor(const std::string& identity) const {
  // The username can hold any character: it goes into the hash, never into the file name.
  const std::string kind = identity.substr(0, identity.find(':'));
  return dir_ + "/" + kind + "-" + Sha256Hex(login_url_ + "\n" + client_id_ + "\n" + identity).substr(0, 16) +
         ".json";
}

Status TokenStore::CreateDirectory() const { return MakeDirectories(dir_); }

StatusOr<std::optional<StoredTokens>> TokenStore::Load() const {
  SFSYNC_ASSIGN_OR_RETURN(std::optional<StoredTokens> tokens, LoadFile(path_, identity_));
  if (tokens.has_value() || legacy_identity_.empty()) return tokens;
  SFSYNC_ASSIGN_OR_RETURN(std::optional<StoredTokens> legacy, LoadFile(PathFor(legacy_identity_), legacy_identity_));
  if (legacy.has_value() && legacy->refresh_token_origin == legacy_origin_) return legacy;
  return std::optional<StoredTokens>();
}

StatusOr<std::optional<StoredTokens>> TokenStore::LoadFile(const std::string& path, const std::string& identity) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::optional<StoredTokens>();
  if (fd < 0) return StoreError(StatusCode::kFailedPrecondition, "cannot read token store " + path + ": " + Errno());
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) text.append(buffer, static_cast<size_t>(n));
  }
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    return StoreError(StatusCode::kFailedPrecondition,
                      "cannot read token store " + path + ": " + std::strerror(read_errno));
  }

  auto corrupt = [&](const std::string& why) {
    return StoreError(StatusCode::kDataLoss, "token store " + path + " is unusable (" + why +
                                                 "): delete that file; then run `sfsync auth login JOB.yaml` if "
                                                 "the job's flow needs a login");
  };
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return corrupt("not a JSON object");
  auto format = json.find("format");
  if (format == json.end() || !format->is_number_integer() || *format != kFormat) {
    return corrupt("unknown format; expected format " + std::to_string(kFormat));
  }
  if (Text(json, "login_url") != login_url_ || Text(json, "client_id") != client_id_ ||
      Text(json, "identity") != identity) {
    return corrupt("it belongs to another connection");
  }
  auto issued_at = json.find("issued_at");
  auto received_at = json.find("received_at");
  auto updated_at = json.find("updated_at");
  for (auto it : {issued_at, received_at, updated_at}) {
    if (it != json.end() && !it->is_number_integer()) return corrupt(it.key() + " must be an integer");
  }
  StoredTokens tokens;
  tokens.refresh_token = Text(json, "refresh_token");
  tokens.refresh_token_origin = Text(json, "refresh_token_origin");
  tokens.credentials = Text(json, "credentials");
  tokens.session.access_token = Text(json, "access_token");
  tokens.session.instance_url = Text(json, "instance_url");
  tokens.session.id_url = Text(json, "id");
  tokens.session.scope = Text(json, "scope");
  tokens.session.issued_at_millis = issued_at == json.end() ? 0 : issued_at->get<int64_t>();
  tokens.session.received_at_millis = received_at == json.end() ? 0 : received_at->get<int64_t>();
  tokens.updated_at_millis = updated_at == json.end() ? 0 : updated_at->get<int64_t>();
  RegisterSecret(tokens.refresh_token);
  RegisterSecret(tokens.session.access_token);
  if (!tokens.session.access_token.empty() && tokens.session.instance_url.empty()) {
    return corrupt("access_token without instance_url");
  }
  return std::optional<StoredTokens>(std::move(tokens));
}

Status TokenStore::Save(const StoredTokens& tokens) const {
  nlohmann::ordered_json json = {{"format", kFormat},
                                 {"login_url", login_url_},
                                 {"client_id", client_id_},
                                 {"identity", identity_},
                                 {"updated_at", tokens.updated_at_millis}};
  if (!tokens.refresh_token.empty()) {
    json["refresh_token"] = tokens.refresh_token;
    if (!tokens.refresh_token_origin.empty()) json["refresh_token_origin"] = tokens.refresh_token_origin;
  }
  if (!tokens.session.access_token.empty()) {
    json["credentials"] = tokens.credentials;
    json["access_token"] = tokens.session.access_token;
    json["instance_url"] = tokens.session.instance_url;
    json["id"] = tokens.session.id_url;
    json["scope"] = tokens.session.scope;
    json["issued_at"] = tokens.session.issued_at_millis;
    json["received_at"] = tokens.session.received_at_millis;
  }
  const std::string text = json.dump(2) + "\n";

  SFSYNC_RETURN_IF_ERROR(CreateDirectory());
  static std::atomic<int> counter{0};
  const std::string temp = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
  auto fail = [&](const std::string& step, const Status& why) {
    ::unlink(temp.c_str());
    return StoreError(StatusCode::kFailedPrecondition,
                      "cannot save token store " + path_ + " (" + step + "): " + why.message());
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("create", Status(StatusCode::kFailedPrecondition, Errno()));
  Status written = WriteAll(fd, text);
  if (written.ok() && ::fsync(fd) != 0) written = Status(StatusCode::kFailedPrecondition, Errno());
  if (::close(fd) != 0 && written.ok()) written = Status(StatusCode::kFailedPrecondition, Errno());
  if (!written.ok()) return fail("write", written);
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    return fail("rename", Status(StatusCode::kFailedPrecondition, Errno()));
  }
  // Without this the rename itself may not survive a power cut.
  if (Status synced = SyncDirectory(dir_); !synced.ok()) {
    return StoreError(StatusCode::kFailedPrecondition,
                      "cannot save token store " + path_ + " (fsync directory): " + synced.message());
  }
  return Status::Ok();
}

Status TokenStore::Delete() const {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return StoreError(StatusCode::kFailedPrecondition, "cannot delete token store " + path_ + ": " + Errno());
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<TokenStoreLock>> TokenStore::Lock() const {
  SFSYNC_RETURN_IF_ERROR(CreateDirectory());
  const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return StoreError(StatusCode::kFailedPrecondition, "cannot open lock " + lock_path_ + ": " + Errno());
  int rc;
  while ((rc = ::flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
  }
  if (rc != 0) {
    const std::string why = Errno();
    ::close(fd);
    return StoreError(StatusCode::kFailedPrecondition, "cannot lock " + lock_path_ + ": " + why);
  }
  return std::make_unique<TokenStoreLock>(fd);
}

}  // namespace sfsync::salesforce
