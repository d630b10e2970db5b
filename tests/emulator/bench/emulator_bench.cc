// emulator_bench: measures how fast sfsync-emulator serves query pages, with a raw-socket
// keep-alive client (curl in a shell loop would measure curl).
//
//   emulator_bench --port N [--host 127.0.0.1] [--object Account] [--batch 2000]
//                  [--soql "SELECT ..."] [--gzip] [--runs 3] [--ca CA.pem]
//
// --ca talks HTTPS to an emulator started with --tls-cert/--tls-key, trusting that CA.
//
// Each run gets a token, runs the query and follows nextRecordsUrl to the end, then prints
// pages, records, bytes and rates. Records are counted by their `attributes` objects of the
// queried type, so the default SOQL selects no relationship to the same object.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tests/emulator/testing/http_client.h"

namespace {

using sfsync::emulator::testing::ClientOptions;
using sfsync::emulator::testing::ClientResponse;
using sfsync::emulator::testing::HttpClient;
using sfsync::emulator::testing::UrlEncode;

struct Flags {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string object = "Account";
  int batch = 2000;
  std::string soql;
  bool gzip = false;
  int runs = 3;
  std::string ca_file;
  std::string client_id = "sfsync-emulator-client-id";
  std::string client_secret = "sfsync-emulator-client-secret";
  std::string refresh_token = "sfsync-emulator-refresh-token";
};

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

std::string JsonStringField(const std::string& body, const std::string& key) {
  std::string marker = "\"" + key + "\":\"";
  size_t start = body.find(marker);
  if (start == std::string::npos) return "";
  start += marker.size();
  return body.substr(start, body.find('"', start) - start);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--gzip") {
      flags.gzip = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", flag.c_str());
      return 2;
    }
    std::string value = argv[++i];
    if (flag == "--host") flags.host = value;
    else if (flag == "--port") flags.port = std::stoi(value);
    else if (flag == "--object") flags.object = value;
    else if (flag == "--batch") flags.batch = std::stoi(value);
    else if (flag == "--soql") flags.soql = value;
    else if (flag == "--runs") flags.runs = std::stoi(value);
    else if (flag == "--ca") flags.ca_file = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (flags.port == 0) {
    std::fprintf(stderr, "usage: emulator_bench --port N [--object X] [--batch N] [--soql Q] [--gzip] [--runs N] [--ca F]\n");
    return 2;
  }
  if (flags.soql.empty()) {
    flags.soql = "SELECT Id, Name, Type, Industry, BillingCity, BillingState, BillingCountry, Phone, "
                 "Website, AnnualRevenue, NumberOfEmployees, OwnerId, CreatedDate, "
                 "LastModifiedDate, SystemModstamp, IsDeleted FROM " + flags.object;
  }

  HttpClient client(flags.host, flags.port, ClientOptions{flags.ca_file});
  ClientResponse token = client.Send(
      "POST", "/services/oauth2/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
      "grant_type=refresh_token&client_id=" + UrlEncode(flags.client_id) + "&client_secret=" +
          UrlEncode(flags.client_secret) + "&refresh_token=" + UrlEncode(flags.refresh_token));
  std::string access_token = JsonStringField(token.body, "access_token");
  if (!token.ok || token.status != 200 || access_token.empty()) {
    std::fprintf(stderr, "token request failed: %d %s %s\n", token.status, token.error.c_str(), token.body.c_str());
    return 1;
  }
  HttpClient::Headers headers = {{"Authorization", "Bearer " + access_token},
                                 {"Sforce-Query-Options", "batchSize=" + std::to_string(flags.batch)}};
  if (flags.gzip) headers.emplace_back("Accept-Encoding", "gzip");
  std::string record_marker = "{\"attributes\":{\"type\":\"" + flags.object + "\",\"url\"";

  std::printf("%-5s %8s %10s %10s %9s %8s %10s %8s %11s\n", "run", "pages", "records", "MB(body)",
              "MB(wire)", "seconds", "pages/s", "MB/s", "records/s");
  for (int run = 1; run <= flags.runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    std::string target = "/services/data/v60.0/query?q=" + UrlEncode(flags.soql);
    size_t pages = 0, records = 0, body_bytes = 0, wire_bytes = 0;
    double first_page = 0;
    while (!target.empty()) {
      ClientResponse page = client.Get(target, headers);
      if (!page.ok || page.status != 200) {
        std::fprintf(stderr, "page %zu failed: %d %s %.300s\n", pages + 1, page.status,
                     page.error.c_str(), page.body.c_str());
        return 1;
      }
      if (pages == 0) first_page = Seconds(start);
      ++pages;
      records += CountOccurrences(page.body, record_marker);
      body_bytes += page.body.size();
      wire_bytes += page.wire_body_bytes;
      target = JsonStringField(page.body, "nextRecordsUrl");
    }
    double seconds = Seconds(start);
    std::printf("%-5d %8zu %10zu %10.1f %9.1f %8.2f %10.1f %8.1f %11.0f   (first page %.3f s)\n",
                run, pages, records, body_bytes / 1e6, wire_bytes / 1e6, seconds, pages / seconds,
                body_bytes / 1e6 / seconds, records / seconds, first_page);
  }
  return 0;
}
