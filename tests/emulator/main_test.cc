// The sfsync-emulator binary: ready line, port file, clean exit on SIGTERM/SIGINT, flag errors.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/emulator/testing/http_client.h"
#include "tests/emulator/testing/test_pki.h"

namespace sfsync::emulator {
namespace {

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;  // the child's stdout
};

Child Launch(std::vector<std::string> args) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  Child child;
  child.pid = fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv;
    std::string binary = SFSYNC_EMULATOR_BINARY;
    argv.push_back(binary.data());
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  child.out = fdopen(pipe_fds[0], "r");
  return child;
}

// Waits up to 10 s; returns the exit code, or -1 if it did not exit normally in time.
int Wait(const Child& child) {
  for (int i = 0; i < 1000; ++i) {
    int status = 0;
    if (waitpid(child.pid, &status, WNOHANG) == child.pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  return -1;
}

void CheckServesAndStops(int stop_signal) {
  std::string port_file = "/tmp/sfsync-emulator-test-" + std::to_string(getpid()) + ".port";
  Child child = Launch({"--port", "0", "--port-file", port_file, "--size", "10"});
  char line[256] = {};
  REQUIRE(std::fgets(line, sizeof(line), child.out) != nullptr);
  std::cmatch match;
  REQUIRE(std::regex_match(line, match, std::regex(R"(sfsync-emulator listening on http://127\.0\.0\.1:(\d+)\n)")));
  int port = std::stoi(match[1]);
  std::ifstream in(port_file);
  int written = 0;
  in >> written;
  CHECK(written == port);
  testing::HttpClient client("127.0.0.1", port);
  CHECK(client.Get("/__emulator/health").body == R"({"ok":true})");
  kill(child.pid, stop_signal);
  CHECK(Wait(child) == 0);
  char rest[16];
  CHECK(std::fgets(rest, sizeof(rest), child.out) == nullptr);  // exactly one line on stdout
  fclose(child.out);
  std::remove(port_file.c_str());
}

TEST_CASE("the binary prints one ready line, writes the port file and exits cleanly on SIGTERM") {
  CheckServesAndStops(SIGTERM);
}

TEST_CASE("the binary exits cleanly on SIGINT") { CheckServesAndStops(SIGINT); }

TEST_CASE("with --my-domain-port and TLS: a My Domain line, then the ready line, and two ports in the port file") {
  testing::TestPki pki;
  testing::TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  std::string port_file = pki.Path("port");
  Child child = Launch({"--port", "0", "--my-domain-port", "0", "--port-file", port_file, "--size", "10",
                        "--tls-cert", certificate.cert, "--tls-key", certificate.key});
  char line[256] = {};
  REQUIRE(std::fgets(line, sizeof(line), child.out) != nullptr);
  std::cmatch match;
  REQUIRE(std::regex_match(line, match, std::regex(R"(sfsync-emulator my domain on https://127\.0\.0\.1:(\d+)\n)")));
  int my_domain_port = std::stoi(match[1]);
  REQUIRE(std::fgets(line, sizeof(line), child.out) != nullptr);
  REQUIRE(std::regex_match(line, match, std::regex(R"(sfsync-emulator listening on https://127\.0\.0\.1:(\d+)\n)")));
  int login_port = std::stoi(match[1]);
  std::ifstream in(port_file);
  int first = 0, second = 0;
  in >> first >> second;
  CHECK(first == login_port);
  CHECK(second == my_domain_port);
  testing::HttpClient client("127.0.0.1", my_domain_port, testing::ClientOptions{certificate.ca_cert});
  CHECK(client.Get("/__emulator/health").body == R"({"ok":true})");
  kill(child.pid, SIGTERM);
  CHECK(Wait(child) == 0);
  fclose(child.out);
}

TEST_CASE("a bad flag exits with status 2 before listening") {
  Child child = Launch({"--no-such-flag"});
  CHECK(Wait(child) == 2);
  fclose(child.out);
}

}  // namespace
}  // namespace sfsync::emulator
