// sfsync-emulator: parses flags, seeds the org, serves HTTP until SIGTERM or SIGINT.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulator/api/emulator.h"
#include "tests/emulator/listeners.h"
#include "tests/emulator/options.h"

namespace {

// Writes the port (and on a second line the My Domain port) to a temporary file, then renames
// it over `path`, so a reader never sees a partial file.
bool WritePortFile(const std::string& path, int port, std::optional<int> my_domain_port) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    if (my_domain_port) out << *my_domain_port << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sfsync::emulator;
  // Block the stop signals in every thread (threads inherit the mask); main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  EmulatorConfig config;
  std::string error;
  switch (ParseOptions(std::vector<std::string>(argv + 1, argv + argc), &config, &error)) {
    case ParseOutcome::kHelp:
      std::cout << UsageText();
      return 0;
    case ParseOutcome::kError:
      std::cerr << "sfsync-emulator: " << error << "\n";
      return 2;
    case ParseOutcome::kRun:
      break;
  }

  std::unique_ptr<Emulator> emulator = Emulator::Create(config, &error);
  if (!emulator) {
    std::cerr << "sfsync-emulator: cannot build the org: " << error << "\n";
    return 1;
  }
  std::unique_ptr<Listeners> listeners = Listeners::Start(config, emulator.get(), &error);
  if (!listeners) {
    std::cerr << "sfsync-emulator: " << error << "\n";
    return 1;
  }
  if (!config.port_file.empty() && !WritePortFile(config.port_file, listeners->port(),
                                                  listeners->my_domain_port())) {
    std::cerr << "sfsync-emulator: cannot write " << config.port_file << "\n";
    listeners->Stop();
    return 1;
  }
  // The "listening on" line comes last: it tells a waiting parent that every listener is up.
  if (listeners->my_domain_port()) {
    std::printf("sfsync-emulator my domain on %s\n", listeners->my_domain_url().c_str());
  }
  std::printf("sfsync-emulator listening on %s\n", listeners->url().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  listeners->Stop();
  return 0;
}
