// What a browser does at the end of a login, for the callback-listener tests (test-only).
#pragma once

#include <string>

namespace sfsync::salesforce::testing {

// A loopback port nobody listens on right now (bind 0, read it back, close).
int FreeLoopbackPort();

// One GET of `target` ("/callback?code=...") to 127.0.0.1:`port`; returns the raw answer, or ""
// when the connection was refused.
std::string BrowserGet(int port, const std::string& target);

}  // namespace sfsync::salesforce::testing
