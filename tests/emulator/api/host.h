// Which listener a request arrived on. With --my-domain-port the emulator models two hosts:
// `--port` is the login host (login.salesforce.com: OAuth and identity only) and the other port
// is the org's My Domain (OAuth, REST, and the instance_url of every grant). Without it the one
// port is the org's My Domain.
#ifndef SFSYNC_TESTS_EMULATOR_API_HOST_H_
#define SFSYNC_TESTS_EMULATOR_API_HOST_H_

namespace sfsync::emulator {

enum class Host { kMyDomain, kLogin };

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_HOST_H_
