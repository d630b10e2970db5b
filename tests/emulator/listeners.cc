#include "tests/emulator/listeners.h"

namespace sfsync::emulator {

std::unique_ptr<Listeners> Listeners::Start(const EmulatorConfig& config, Emulator* emulator, std::string* error) {
  std::unique_ptr<Listeners> listeners(new Listeners());
  ConnectionFactory factory;  // plain TCP by default
  if (!config.tls_cert_file.empty()) {
    listeners->tls_ = TlsContext::ForServer(config.tls_cert_file, config.tls_key_file, error);
    if (!listeners->tls_) return nullptr;
    factory = [tls = listeners->tls_.get()](int fd) {
      return tls->Accept(std::make_unique<TcpConnection>(fd, HttpServer::kIdleTimeoutMs));
    };
  }
  bool separate_login_host = config.my_domain_port.has_value();
  HttpHandler* main_handler = separate_login_host ? emulator->login_host() : emulator;
  listeners->main_ = std::make_unique<HttpServer>(main_handler, &emulator->clock(), factory);
  if (!listeners->main_->Listen(config.host, config.port, error)) return nullptr;
  if (separate_login_host) {
    listeners->my_domain_ = std::make_unique<HttpServer>(emulator, &emulator->clock(), factory);
    if (!listeners->my_domain_->Listen(config.host, *config.my_domain_port, error)) return nullptr;
  }

  // A wildcard bind is reached, and advertised, as loopback.
  std::string host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  std::string base = (listeners->tls_ ? "https://" : "http://") + host + ":";
  listeners->url_ = base + std::to_string(listeners->main_->port());
  listeners->my_domain_url_ =
      separate_login_host ? base + std::to_string(listeners->my_domain_->port()) : listeners->url_;
  emulator->SetUrls(listeners->url_, listeners->my_domain_url_);
  listeners->main_->Start();
  if (listeners->my_domain_) listeners->my_domain_->Start();
  return listeners;
}

Listeners::~Listeners() { Stop(); }

void Listeners::Stop() {
  if (main_) main_->Stop();
  if (my_domain_) my_domain_->Stop();
}

std::optional<int> Listeners::my_domain_port() const {
  if (!my_domain_) return std::nullopt;
  return my_domain_->port();
}

}  // namespace sfsync::emulator
