#include "tests/emulator/api/oauth_service.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out(3 * ((text.size() + 3) / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding bytes as output; drop them.
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - std::min<size_t>(padding, static_cast<size_t>(n)));
  return out;
}

// signature = base64(HMAC-SHA256(id + issued_at, client_secret)) (protocol §1.3).
std::string Signature(std::string_view id, std::string_view issued_at, std::string_view secret) {
  std::string message = std::string(id) + std::string(issued_at);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return Base64(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

OAuthService::OAuthService(OAuthConfig config, const EmulatorClock* clock)
    : config_(std::move(config)), clock_(clock) {
  refresh_tokens_.insert(config_.refresh_token);
}

void OAuthService::SetBaseUrl(std::string base_url) {
  std::lock_guard<std::mutex> lock(mu_);
  base_url_ = std::move(base_url);
}

HttpResponse OAuthService::Error(std::string_view error, std::string_view description) const {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("error");
  json.String(error);
  json.Key("error_description");
  json.String(description);
  json.EndObject();
  HttpResponse response = JsonResponse(400, std::move(body));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

std::string OAuthService::NewSecret(std::string_view prefix, size_t length) const {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string bytes(length, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(length));
  std::string secret(prefix);
  for (char b : bytes) secret.push_back(kAlphabet[static_cast<unsigned char>(b) % kAlphabet.size()]);
  return secret;
}

HttpResponse OAuthService::Token(const HttpRequest& request) {
  if (request.method != "POST") return Error("invalid_request", "must use HTTP POST");
  std::map<std::string, std::string> params = ParseForm(request.body);
  for (auto& [name, value] : ParseForm(request.query)) params.emplace(name, value);
  if (std::optional<std::string_view> authorization = request.headers.Get("Authorization");
      authorization && authorization->size() > 6 && EqualsIgnoreCase(authorization->substr(0, 6), "Basic ")) {
    if (std::optional<std::string> decoded = Base64Decode(authorization->substr(6))) {
      size_t colon = decoded->find(':');
      if (colon != std::string::npos) {
        params.emplace("client_id", UrlDecode(decoded->substr(0, colon), true));
        params.emplace("client_secret", UrlDecode(decoded->substr(colon + 1), true));
      }
    }
  }
  auto param = [&](const char* name) -> std::string {
    auto it = params.find(name);
    return it == params.end() ? "" : it->second;
  };

  // Salesforce checks the grant type, then the client, then the grant itself.
  std::string grant_type = param("grant_type");
  if (grant_type.empty()) return Error("invalid_request", "grant type is missing");
  if (grant_type != "refresh_token") {
    return Error("unsupported_grant_type", "grant type not supported");
  }
  if (param("client_id") != config_.client_id) {
    return Error("invalid_client_id", "client identifier invalid");
  }
  if (param("client_secret") != config_.client_secret) {
    return Error("invalid_client", "invalid client credentials");
  }

  std::lock_guard<std::mutex> lock(mu_);
  std::string refresh_token = param("refresh_token");
  if (!refresh_tokens_.contains(refresh_token)) {
    return Error("invalid_grant", "expired access/refresh token");
  }
  int64_t now = clock_->NowMillis();
  std::string access_token = NewSecret(config_.org_id.substr(0, 15) + "!A", 110);
  access_tokens_[access_token] = now + config_.session_timeout_ms;
  std::string rotated;
  if (config_.rotate_refresh_tokens) {
    refresh_tokens_.erase(refresh_token);  // the old one dies at once (protocol §1.5)
    rotated = NewSecret("5Aep861", 80);
    refresh_tokens_.insert(rotated);
  }

  std::string id = base_url_ + "/id/" + config_.org_id + "/" + config_.user_id;
  std::string issued_at = std::to_string(now);
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("access_token");
  json.String(access_token);
  if (!rotated.empty()) {
    json.Key("refresh_token");
    json.String(rotated);
  }
  json.Key("signature");
  json.String(Signature(id, issued_at, config_.client_secret));
  json.Key("scope");
  json.String(config_.scope);
  json.Key("instance_url");
  json.String(base_url_);
  json.Key("id");
  json.String(id);
  json.Key("token_type");
  json.String("Bearer");
  json.Key("issued_at");
  json.String(issued_at);
  json.EndObject();
  HttpResponse response = JsonResponse(200, std::move(body));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

bool OAuthService::Authenticate(std::optional<std::string_view> authorization) {
  if (!authorization) return false;
  std::string_view value = *authorization;
  std::string_view token;
  if (value.size() > 7 && EqualsIgnoreCase(value.substr(0, 7), "Bearer ")) {
    token = value.substr(7);
  } else if (value.size() > 6 && EqualsIgnoreCase(value.substr(0, 6), "OAuth ")) {
    token = value.substr(6);
  } else {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_tokens_.find(std::string(token));
  if (it == access_tokens_.end()) return false;
  if (clock_->NowMillis() >= it->second) {
    access_tokens_.erase(it);
    return false;
  }
  return true;
}

void OAuthService::ExpireAllSessions() {
  std::lock_guard<std::mutex> lock(mu_);
  access_tokens_.clear();
}

}  // namespace sfsync::emulator
