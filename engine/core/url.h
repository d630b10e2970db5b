// Small URL facts shared by the job checks, the OAuth client and the CLI.
#pragma once

#include <string_view>

namespace sfsync {

// Host part of "scheme://[user@]host[:port][/...]", brackets kept for IPv6 literals; empty when the
// text has no "://".
std::string_view UrlHost(std::string_view url);

// localhost, [::1], or an IPv4 literal in 127.0.0.0/8 (case-insensitive; "127.0.0.1.example.com"
// is not one).
bool IsLoopbackHost(std::string_view host);

}  // namespace sfsync
