#include "tests/emulator/api/oauth_tokens.h"

#include <algorithm>

#include "tests/emulator/api/oauth_crypto.h"

namespace sfsync::emulator {

bool Grant::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string Grant::ScopeText() const {
  std::string text;
  for (const std::string& scope : scopes) text += (text.empty() ? "" : " ") + scope;
  return text;
}

TokenStore::TokenStore(std::string org_id15, int64_t session_timeout_ms)
    : org_id15_(std::move(org_id15)), session_timeout_ms_(session_timeout_ms) {}

std::string TokenStore::NewFamily(const Grant& grant, int64_t now_ms, std::string refresh_token) {
  if (refresh_token.empty()) refresh_token = RandomToken("5Aep861", 80);
  std::lock_guard<std::mutex> lock(mu_);
  int64_t family = next_family_++;
  families_[family] = Family{grant, now_ms, refresh_token};
  refresh_tokens_[refresh_token] = family;
  return refresh_token;
}

std::optional<TokenStore::Refreshed> TokenStore::UseRefreshToken(const std::string& token, bool rotate,
                                                                 int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto retired = retired_refresh_tokens_.find(token); retired != retired_refresh_tokens_.end()) {
    RevokeFamily(retired->second);  // reuse of a rotated token (protocol §1.5)
    return std::nullopt;
  }
  auto it = refresh_tokens_.find(token);
  if (it == refresh_tokens_.end()) return std::nullopt;
  Family& family = families_.at(it->second);
  Refreshed refreshed{family.grant, ""};
  if (rotate) {
    int64_t id = it->second;
    refresh_tokens_.erase(it);
    retired_refresh_tokens_[token] = id;
    refreshed.rotated_refresh_token = RandomToken("5Aep861", 80);
    refresh_tokens_[refreshed.rotated_refresh_token] = id;
    family.live_refresh_token = refreshed.rotated_refresh_token;
    family.issued_at_ms = now_ms;
  }
  return refreshed;
}

std::string TokenStore::IssueAccess(const Grant& grant, int64_t family, int64_t now_ms) {
  std::string token = RandomToken(org_id15_ + "!A", 110);
  access_tokens_[token] = Access{AccessSession{grant, now_ms, now_ms + session_timeout_ms_}, family};
  return token;
}

std::string TokenStore::NewAccessToken(const Grant& grant, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return IssueAccess(grant, 0, now_ms);
}

std::string TokenStore::NewAccessTokenFromRefresh(const Grant& grant, const std::string& refresh_token,
                                                  int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = refresh_tokens_.find(refresh_token);
  return IssueAccess(grant, it == refresh_tokens_.end() ? 0 : it->second, now_ms);
}

std::optional<AccessSession> TokenStore::FindAccessToken(const std::string& token, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_tokens_.find(token);
  if (it == access_tokens_.end()) return std::nullopt;
  if (now_ms >= it->second.session.expires_at_ms) {
    access_tokens_.erase(it);
    return std::nullopt;
  }
  return it->second.session;
}

std::optional<TokenInfo> TokenStore::Inspect(const std::string& token, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto refresh = refresh_tokens_.find(token); refresh != refresh_tokens_.end()) {
    const Family& family = families_.at(refresh->second);
    return TokenInfo{true, family.grant, family.issued_at_ms, 0};
  }
  auto it = access_tokens_.find(token);
  if (it == access_tokens_.end() || now_ms >= it->second.session.expires_at_ms) return std::nullopt;
  const AccessSession& session = it->second.session;
  return TokenInfo{false, session.grant, session.issued_at_ms, session.expires_at_ms};
}

bool TokenStore::Revoke(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (access_tokens_.erase(token) > 0) return true;
  for (auto* tokens : {&refresh_tokens_, &retired_refresh_tokens_}) {
    if (auto it = tokens->find(token); it != tokens->end()) {
      RevokeFamily(it->second);
      return true;
    }
  }
  return false;
}

void TokenStore::RevokeFamily(int64_t family) {
  std::erase_if(refresh_tokens_, [&](const auto& entry) { return entry.second == family; });
  std::erase_if(retired_refresh_tokens_, [&](const auto& entry) { return entry.second == family; });
  std::erase_if(access_tokens_, [&](const auto& entry) { return entry.second.family == family; });
  families_.erase(family);
}

void TokenStore::KillAccessToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  access_tokens_.erase(token);
}

void TokenStore::ExpireAllAccessTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  access_tokens_.clear();
}

}  // namespace sfsync::emulator
