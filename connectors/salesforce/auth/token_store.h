// TokenStore: what one connection (login URL + client id + user or flow) keeps between runs, in one
// file under the job's state directory:
//
//   {state_dir}/tokens/{kind}-{hash}.json      mode 0600, directory 0700
//   {state_dir}/tokens/{kind}-{hash}.lock      advisory lock (flock) around grant-and-save
//
// It holds the refresh token where the flow has one (refresh_token, authorization_code, device)
// and the last access token with its instance URL and issued_at, so a run need not start with a
// grant. A job file never holds an access token.
//
// Writes are atomic: a temporary file in the same directory is written, fsynced and renamed over
// the old one, then the directory is fsynced; a reader sees the old file or the new one, never a
// mix, even if the writer is killed. Several processes may share a file (two jobs on one
// connection): Lock() serializes their grant-and-save, so a rotated refresh token (§1.5) is never
// used twice.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/salesforce/auth/auth.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct StoredTokens {
  std::string refresh_token;  // empty for flows without one
  // refresh_token flow: SHA-256 (hex) of the job's refresh_token this one descends from. A job
  // whose refresh_token changed starts over from the new one instead of a stored rotation.
  std::string refresh_token_origin;
  Session session;  // access_token empty when none is cached
  // CredentialsFingerprint of the job settings the session was granted with: a job whose secret,
  // key or scopes changed does not reuse the session (a wrong new secret must fail now, not hours
  // later when the session expires).
  std::string credentials;
  int64_t updated_at_millis = 0;
};

// Releases the lock on destruction.
class TokenStoreLock {
 public:
  explicit TokenStoreLock(int fd) : fd_(fd) {}
  ~TokenStoreLock();
  TokenStoreLock(const TokenStoreLock&) = delete;
  TokenStoreLock& operator=(const TokenStoreLock&) = delete;

 private:
  int fd_;
};

class TokenStore {
 public:
  // The store of the connection `settings` describe, under settings.state_dir (absolute, not
  // empty). Touches nothing on disk.
  explicit TokenStore(const OAuthSettings& settings);

  const std::string& path() const { return path_; }

  // The stored tokens, or nullopt when there is no file. Every token read is registered with
  // RegisterSecret. Errors (reason "store"): kDataLoss for a file that is not a token store of this
  // connection (the message names the file and says to delete it), kFailedPrecondition when it
  // cannot be read.
  StatusOr<std::optional<StoredTokens>> Load() const;

  // Replaces the file atomically (see the top of this file), creating the directories 0700 and the
  // file 0600. Errors: kFailedPrecondition with reason "store", naming the path; the old file is
  // then unchanged.
  Status Save(const StoredTokens& tokens) const;

  // Removes the file; OK when there is none.
  Status Delete() const;

  // Blocks until this process holds the connection's lock (creating the directories as Save does).
  StatusOr<std::unique_ptr<TokenStoreLock>> Lock() const;

 private:
  Status CreateDirectory() const;
  std::string PathFor(const std::string& identity) const;
  StatusOr<std::optional<StoredTokens>> LoadFile(const std::string& path, const std::string& identity) const;

  std::string dir_;
  std::string path_;
  std::string lock_path_;
  std::string login_url_;
  std::string client_id_;
  std::string identity_;
  std::string legacy_identity_;  // the shared identity of refresh_token stores before version 2
  std::string legacy_origin_;    // the job's refresh token, hashed
};

// The connection part of the store's key: "jwt_bearer:<username>", "client_credentials",
// "refresh_token:<SHA-256 of the job's refresh token>" (each token's rotations are its own), or
// "login" for the interactive flows (authorization_code and device both leave a refresh token from a
// person's login, so `auth login --device` serves an authorization_code job).
std::string StoreIdentity(const OAuthSettings& settings);

// SHA-256 (hex) of what a grant proves besides the connection itself: client secret, the job's
// refresh token, private key file and passphrase, scopes.
std::string CredentialsFingerprint(const OAuthSettings& settings);

// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);

}  // namespace sfsync::salesforce
