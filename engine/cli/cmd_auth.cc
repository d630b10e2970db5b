// `sfsync auth login|status|logout JOB.yaml`: the one-time login of the interactive flows, and a
// look at (or removal of) what the token store holds for the job's connection.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/auth/oauth_login.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "connectors/salesforce/auth/token_store.h"
#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/sync/job_context.h"

extern char** environ;

namespace sfsync::cli {
namespace {

using salesforce::OAuthSettings;
using salesforce::Session;

// Every failure of an auth command is an authentication failure: a cause without an exit code of
// its own (a timeout, a forged callback) exits 4 rather than as a network or API error.
int AuthExitCode(const Status& status) {
  const int code = ExitCodeFor(status);
  if (status.reason().rfind("auth.", 0) == 0 && (code < kExitAuthInvalidClient || code > kExitAuthDomain)) {
    return kExitAuth;
  }
  return code;
}

int Fail(const Status& status) {
  PrintError(status.message());
  return AuthExitCode(status);
}

void Say(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

// Opens `url` in the desktop's browser when there is a desktop; quietly does nothing otherwise
// (the URL is printed anyway). The URL is an argument, never parsed by a shell.
void OpenBrowser(const std::string& url) {
#ifdef __APPLE__
  const char* opener = "open";
#else
  const char* opener = "xdg-open";
  if (std::getenv("DISPLAY") == nullptr && std::getenv("WAYLAND_DISPLAY") == nullptr) return;
#endif
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string arg0 = opener;
  std::string arg1 = url;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, opener, &actions, nullptr, argv, environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);  // xdg-open returns once the browser has the URL
  }
  posix_spawn_file_actions_destroy(&actions);
}

bool Interactive(const std::string& flow) { return flow == "authorization_code" || flow == "device"; }

std::string Describe(const OAuthSettings& settings) {
  std::string out = "flow " + settings.flow + ", login URL " + settings.login_url + ", client id " + settings.client_id;
  if (settings.flow == "jwt_bearer") out += ", user " + settings.username;
  return out;
}

std::string Age(int64_t then_millis) {
  const int64_t minutes = (SystemClock()->NowMillis() - then_millis) / 60000;
  if (minutes < 120) return std::to_string(minutes) + " min ago";
  return std::to_string(minutes / 60) + " h ago";
}

int Login(const AuthFlags& flags, const OAuthSettings& settings, salesforce::HttpTransport* transport) {
  const salesforce::TokenStore store(settings);
  if (!Interactive(settings.flow)) {
    if (flags.device) {
      PrintError("--device logs in a person; flow " + settings.flow +
                 " needs no login (run the job, or drop --device)");
      return kExitUsage;
    }
    // Nothing to approve: get a session now, which checks the job's credentials and caches it.
    auto provider = salesforce::NewTokenProvider(settings, transport, SystemClock());
    if (!provider.ok()) return Fail(provider.status());
    StatusOr<Session> session = (*provider)->Current();
    if (!session.ok()) return Fail(session.status());
    Say("sfsync: credentials work (" + Describe(settings) + "); instance " + session->instance_url +
        "; session cached in " + store.path() + "\n");
    return kExitOk;
  }

  salesforce::LoginPrompts prompts;
  prompts.timeout = std::chrono::seconds(flags.timeout_seconds);
  prompts.show_authorize_url = [&](const std::string& url) {
    Say("Open this URL in a browser and log in to Salesforce:\n\n  " + url + "\n\nWaiting up to " +
        std::to_string(flags.timeout_seconds) + " s for the login to come back to " + settings.redirect_uri + " ...\n");
    if (!flags.no_browser) OpenBrowser(url);
  };
  prompts.show_device_code = [&](const salesforce::DeviceAuthorization& device) {
    Say("On any device, open " + device.verification_uri + " and enter the code:\n\n  " + device.user_code +
        "\n\nWaiting up to " + std::to_string(flags.timeout_seconds) + " s for the approval ...\n");
  };
  const bool device = flags.device || settings.flow == "device";
  StatusOr<Session> session = device ? salesforce::LoginWithDevice(settings, transport, SystemClock(), prompts)
                                     : salesforce::LoginWithBrowser(settings, transport, SystemClock(), prompts);
  if (!session.ok()) return Fail(session.status());
  if (Status saved = salesforce::SaveLogin(settings, *session, SystemClock()); !saved.ok()) return Fail(saved);
  Say("sfsync: logged in (" + Describe(settings) + "); instance " + session->instance_url + "; scopes " +
      session->scope + "; refresh token stored in " + store.path() + "\n");
  return kExitOk;
}

int ShowStatus(const OAuthSettings& settings) {
  const salesforce::TokenStore store(settings);
  StatusOr<std::optional<salesforce::StoredTokens>> stored = store.Load();
  if (!stored.ok()) return Fail(stored.status());
  std::string out = Describe(settings) + "\ntoken store: " + store.path() + "\n";
  if (!stored->has_value()) {
    out += "nothing stored";
    if (Interactive(settings.flow)) out += ": run `sfsync auth login JOB.yaml` once";
    Say(out + "\n");
    return kExitOk;
  }
  const salesforce::StoredTokens& tokens = **stored;
  out += "last saved: " + FormatIsoUtc(tokens.updated_at_millis) + " (" + Age(tokens.updated_at_millis) + ")\n";
  if (settings.flow == "jwt_bearer" || settings.flow == "client_credentials") {
    out += "refresh token: none in this flow (a new token is requested whenever one is needed)\n";
  } else if (!tokens.refresh_token.empty()) {
    out += "refresh token: stored";
    if (settings.flow == "refresh_token") {
      if (tokens.refresh_token_origin != salesforce::Sha256Hex(settings.refresh_token)) {
        out += " (from an earlier refresh_token of the job: the next run starts from the job's current one)";
      } else {
        out +=
            tokens.refresh_token == settings.refresh_token ? " (the job's own)" : " (rotated; it replaces the job's)";
      }
    }
    out += "\n";
  } else {
    out += "refresh token: none stored\n";
  }
  if (tokens.session.access_token.empty()) {
    out += "access token: none cached\n";
  } else {
    const int64_t received = tokens.session.received_at_millis;
    const bool stale = settings.session_timeout_seconds > 0 &&
                       SystemClock()->NowMillis() - received >= settings.session_timeout_seconds * 1000;
    out += "access token: cached, obtained " + FormatIsoUtc(received) + " (" + Age(received) + ")" +
           (stale ? ", older than session_timeout_seconds: the next run renews it" : "") + "\n";
    out += "instance: " + tokens.session.instance_url + "\nscopes: " + tokens.session.scope + "\n";
  }
  Say(out);
  return kExitOk;
}

// Asks on the terminal; false unless the answer starts with y.
bool Confirm(const std::string& question) {
  std::fputs(question.c_str(), stderr);
  std::fflush(stderr);
  char answer[16] = {};
  if (std::fgets(answer, sizeof answer, stdin) == nullptr) return false;
  return answer[0] == 'y' || answer[0] == 'Y';
}

// A refresh token that came from the job file (flow refresh_token) may be shared by other jobs and
// by whoever issued it: logout forgets the local session only, unless --revoke (asked on a
// terminal, or --yes). A token sfsync obtained itself (auth login, JWT and client credentials
// sessions) is revoked at Salesforce and forgotten.
int Logout(const AuthFlags& flags, const OAuthSettings& settings, salesforce::HttpTransport* transport) {
  const salesforce::TokenStore store(settings);
  StatusOr<std::optional<salesforce::StoredTokens>> stored = store.Load();
  if (!stored.ok() && stored.status().code() != StatusCode::kDataLoss) return Fail(stored.status());
  const bool from_job_file = settings.flow == "refresh_token" && !settings.refresh_token.empty();
  if (from_job_file && !flags.revoke) {
    if (stored.ok() && !stored->has_value()) {
      Say("sfsync: nothing stored for " + Describe(settings) + "\n");
      return kExitOk;
    }
    if (Status deleted = store.Delete(); !deleted.ok()) return Fail(deleted);
    Say("sfsync: forgot the local session (" + store.path() +
        "); the refresh token comes from the job file and may be shared with other jobs, so it was not revoked "
        "(sfsync auth logout --revoke revokes it at Salesforce)\n");
    return kExitOk;
  }
  std::string token;
  if (stored.ok() && stored->has_value()) {
    // Revoking the refresh token also revokes every access token issued from it (§1.11).
    token = (*stored)->refresh_token.empty() ? (*stored)->session.access_token : (*stored)->refresh_token;
  }
  if (from_job_file && token.empty()) token = settings.refresh_token;
  if (token.empty() && stored.ok()) {
    Say("sfsync: nothing stored for " + Describe(settings) + "\n");
    return kExitOk;
  }
  if (from_job_file && !flags.yes) {
    if (!::isatty(STDIN_FILENO)) {
      PrintError("--revoke of a refresh token from the job file (which other jobs may share) needs --yes when not "
                 "run at a terminal");
      return kExitUsage;
    }
    if (!Confirm("Revoke the refresh token of " + Describe(settings) +
                 " at Salesforce? Every job and tool using it will have to be authorized again. [y/N] ")) {
      Say("sfsync: nothing revoked\n");
      return kExitOk;
    }
  }
  if (!token.empty()) {
    if (Status revoked = salesforce::RevokeToken(transport, settings.login_url, token); !revoked.ok()) {
      return Fail(revoked.Annotate("the token store " + store.path() +
                                   " is kept so you can retry; delete it to forget the token without revoking it"));
    }
  }
  if (Status deleted = store.Delete(); !deleted.ok()) return Fail(deleted);
  Say(std::string(stored.ok() ? "sfsync: revoked and deleted " : "sfsync: deleted the unreadable ") + store.path() +
      "\n");
  return kExitOk;
}

}  // namespace

int AuthCommand(const CommonFlags& common, const AuthFlags& flags) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, flags.job_path, &job); rc != kExitOk) return rc;
  const OAuthSettings settings = sync::ToOAuthSettings(job);
  std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(job);
  if (flags.action == "login") return Login(flags, settings, transport.get());
  if (flags.action == "status") return ShowStatus(settings);
  if (flags.action == "logout") return Logout(flags, settings, transport.get());
  return kExitUsage;
}

}  // namespace sfsync::cli
