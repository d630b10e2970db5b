#include "connectors/salesforce/http/api_error.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace sfsync::salesforce {
namespace {

struct ApiError {
  std::string error_code;
  std::string message;
  std::vector<std::string> fields;
};

std::string StringMember(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<ApiError> ErrorFromObject(const nlohmann::json& object) {
  if (!object.is_object()) return std::nullopt;
  ApiError error;
  error.error_code = StringMember(object, "errorCode");
  // Per-record results spell it statusCode (§6.4); accept either so no code is lost.
  if (error.error_code.empty()) error.error_code = StringMember(object, "statusCode");
  error.message = StringMember(object, "message");
  if (error.error_code.empty() && error.message.empty()) return std::nullopt;
  auto fields = object.find("fields");
  if (fields != object.end() && fields->is_array()) {
    for (const auto& f : *fields) {
      if (f.is_string()) error.fields.push_back(f.get<std::string>());
    }
  }
  return error;
}

// §3.1: an array of error objects, or (seen in the wild) a bare object.
std::vector<ApiError> ParseErrors(std::string_view body) {
  std::vector<ApiError> errors;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return errors;
  if (json.is_array()) {
    for (const auto& item : json) {
      if (auto e = ErrorFromObject(item)) errors.push_back(std::move(*e));
    }
  } else if (auto e = ErrorFromObject(json)) {
    errors.push_back(std::move(*e));
  }
  return errors;
}

StatusCode CodeFor(int status, const std::string& error_code, const std::string& message) {
  if (error_code == "INVALID_QUERY_LOCATOR") return StatusCode::kAborted;
  if (error_code == "QUERY_TIMEOUT") return StatusCode::kDeadlineExceeded;
  if (status == 401) return StatusCode::kUnauthenticated;
  if (status == 403) {
    if (error_code != "REQUEST_LIMIT_EXCEEDED") return StatusCode::kPermissionDenied;
    return message.rfind("Concurrent", 0) == 0 ? StatusCode::kUnavailable : StatusCode::kResourceExhausted;
  }
  if (status == 404) return StatusCode::kNotFound;
  if (status == 412) return StatusCode::kFailedPrecondition;
  if (status >= 500 || status == 406 || status == 420 || status == 429) return StatusCode::kUnavailable;
  if (status >= 400) return StatusCode::kInvalidArgument;
  if (status >= 300) return StatusCode::kFailedPrecondition;
  return StatusCode::kUnknown;
}

std::string StatusLine(int status) {
  std::string line = "HTTP " + std::to_string(status);
  std::string_view phrase = ReasonPhrase(status);
  if (!phrase.empty()) {
    line += ' ';
    line += phrase;
  }
  return line;
}

std::string MessageFor(const std::vector<ApiError>& errors, const HttpResponse& response) {
  if (errors.empty()) {
    std::string message = StatusLine(response.status);
    if (response.status >= 300 && response.status < 400) {
      const std::string* location = response.Header("Location");
      message += location ? " redirecting to " + TextSnippet(*location) : " (a redirect)";
      message += ": check login_url / instance URL";
      return message;
    }
    std::string snippet = TextSnippet(response.body);
    if (!snippet.empty()) message += ": " + snippet;
    return message;
  }
  const ApiError& first = errors.front();
  std::string message = CollapseLines(first.message);
  if (message.empty()) message = StatusLine(response.status);
  if (!first.fields.empty()) {
    message += " (fields: ";
    for (size_t i = 0; i < first.fields.size(); ++i) {
      if (i > 0) message += ", ";
      message += first.fields[i];
    }
    message += ')';
  }
  if (errors.size() > 1) message += " (+" + std::to_string(errors.size() - 1) + " more errors)";
  return message;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsCaretLine(std::string_view line) {
  return !line.empty() && line.find_first_not_of(" \t^") == std::string_view::npos;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Index of the first case-insensitive match of `needle` (lower case) at or after `from`, else size().
size_t FindIgnoreCase(std::string_view text, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (StartsWithIgnoreCase(text.substr(i), needle)) return i;
  }
  return text.size();
}

constexpr std::string_view kSessionNotForRestApi = "This session is not valid for use with the REST API";

}  // namespace

Status ErrorFromResponse(const HttpResponse& response) {
  std::vector<ApiError> errors = ParseErrors(response.body);
  std::string error_code = errors.empty() ? std::string() : errors.front().error_code;
  std::string raw_message = errors.empty() ? std::string() : errors.front().message;
  const StatusCode code = CodeFor(response.status, error_code, raw_message);
  if (response.status == 401 && raw_message.find(kSessionNotForRestApi) != std::string::npos) {
    // A token without the api scope gets this on every REST call (§1.13): no renewal can fix it.
    return Status(code,
                  MessageFor(errors, response) +
                      ": the token lacks the api scope: add 'Manage user data via APIs (api)' to the External Client "
                      "App's OAuth scopes and api to the job's scopes, then get a new token (`sfsync auth login "
                      "JOB.yaml` for the interactive flows)",
                  "auth.scope");
  }
  return Status(code, MessageFor(errors, response), std::move(error_code));
}

bool IsRetriable(const Status& status) { return status.code() == StatusCode::kUnavailable; }

bool IsSessionExpired(const Status& status) {
  if (status.code() != StatusCode::kUnauthenticated || status.reason() != "INVALID_SESSION_ID") return false;
  // jsforce's list of 401 INVALID_SESSION_ID messages that a new token cannot fix (§1.13).
  static constexpr std::string_view kNotRenewable[] = {
      kSessionNotForRestApi,
      "Connected app is not attached to Agent",
      "BlackTab users cannot perform API operations",
  };
  for (std::string_view text : kNotRenewable) {
    if (status.message().find(text) != std::string::npos) return false;
  }
  return true;
}

std::string CollapseLines(std::string_view message) {
  std::string out;
  while (!message.empty()) {
    size_t end = message.find('\n');
    std::string_view line = Trim(message.substr(0, end));
    message.remove_prefix(end == std::string_view::npos ? message.size() : end + 1);
    if (line.empty() || IsCaretLine(line)) continue;
    if (!out.empty()) out += ' ';
    out += line;
  }
  return out;
}

std::string TextSnippet(std::string_view body, size_t max_chars) {
  std::string text;
  bool pending_space = false;
  size_t i = 0;
  // Collect a little more than asked, to know whether "..." is due.
  while (i < body.size() && text.size() <= max_chars) {
    const char c = body[i];
    if (c == '<') {
      for (std::string_view element : {"script", "style"}) {
        if (StartsWithIgnoreCase(body.substr(i + 1), element)) {
          i = FindIgnoreCase(body, "</" + std::string(element), i + 1);
          break;
        }
      }
      size_t end = body.find('>', i);
      i = end == std::string_view::npos ? body.size() : end + 1;
      pending_space = true;
      continue;
    }
    if (IsSpace(c)) {
      pending_space = true;
    } else if (static_cast<unsigned char>(c) >= 0x20) {
      if (pending_space && !text.empty()) text += ' ';
      pending_space = false;
      text += c;
    }
    ++i;
  }
  if (text.size() <= max_chars) return text;
  // Cut at a character boundary: never leave half of a UTF-8 sequence behind.
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text = std::string(Trim(std::string_view(text).substr(0, cut)));
  text += "...";
  return text;
}

std::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 420: return "Enhance Your Calm";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace sfsync::salesforce
