// PKCE (RFC 7636) for the authorization-code flow (protocol §1.4), and the random values the
// interactive logins need.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/core/statusor.h"

namespace sfsync::salesforce {

// base64url(SHA-256(verifier)), no padding: the S256 code_challenge.
std::string PkceChallenge(std::string_view verifier);

// `bytes` bytes from OpenSSL's CSPRNG, base64url-encoded (32 bytes -> 43 characters, the shortest
// verifier RFC 7636 allows). kInternal if the generator fails.
StatusOr<std::string> RandomUrlSafe(size_t bytes);

}  // namespace sfsync::salesforce
