// The URLs and token-endpoint answers the connector tests share (test-only).
#pragma once

#include <string>

namespace sfsync::salesforce::testing {

inline constexpr char kLoginUrl[] = "https://login.example.com";
inline constexpr char kTokenUrl[] = "https://login.example.com/services/oauth2/token";
inline constexpr char kInstanceUrl[] = "https://acme.my.example.com";

// A §1.3 token response for `access_token` on kInstanceUrl, with a refresh token when given.
inline std::string TokenBody(const std::string& access_token, const std::string& refresh_token = "",
                             const std::string& issued_at = "1708058728442") {
  std::string body = R"({"access_token":")" + access_token + R"(","instance_url":")" + kInstanceUrl +
                     R"(/","id":"https://login.example.com/id/00Dxx0000000123EAA/005xx000000456AAA",)" +
                     R"("token_type":"Bearer","scope":"api refresh_token","signature":"c2lnbmF0dXJl")";
  if (!issued_at.empty()) body += R"(,"issued_at":")" + issued_at + R"(")";
  if (!refresh_token.empty()) body += R"(,"refresh_token":")" + refresh_token + R"(")";
  return body + "}";
}

}  // namespace sfsync::salesforce::testing
