// Diagnostics: the errors found in one job file, reported together as
//   jobs/demo.yaml:12:5: objects[1].feilds: unknown key 'feilds' (allowed: ...)
// one per line, sorted by position. At most one message is kept per key path (the first added):
// once a value is known bad, later checks of the same value only add noise.
//
// Messages never show a secret value: every secret the job resolved is handed to AddSecret() and
// replaced by [REDACTED] wherever a message would show it (say, a name taken from the same
// environment variable). Only the job's own secrets are replaced, so key names such as
// client_secret stay readable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config/source_map.h"
#include "engine/core/status.h"

namespace sfsync::config {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file_name) : file_name_(std::move(file_name)) {}

  // `path` is the key path users read (SourceNode::path); empty for the file as a whole.
  void Add(SourceLocation at, std::string_view path, std::string message);
  // At the key of `node` (for unknown, missing or misplaced keys).
  void AtKey(const SourceNode& node, std::string message) { Add(node.key, node.path, std::move(message)); }
  // At the value of `node` (for wrong values).
  void AtValue(const SourceNode& node, std::string message) { Add(node.value, node.path, std::move(message)); }

  // A resolved secret value, to be kept out of every message.
  void AddSecret(std::string value) { secrets_.push_back(std::move(value)); }

  bool empty() const { return errors_.empty(); }
  const std::string& file_name() const { return file_name_; }

  // kInvalidArgument with reason "job.invalid" and every error, one per line, sorted by position.
  // Control characters inside a message are escaped (\n, \t, \xHH), so each error is one line.
  // REQUIRES: !empty()
  Status ToStatus() const;

 private:
  struct Error {
    SourceLocation at;
    std::string path;
    std::string message;
  };
  std::string file_name_;
  std::vector<Error> errors_;
  std::vector<std::string> secrets_;
};

// `text` in double quotes for a message, with control characters escaped and anything past 80
// characters cut.
std::string QuoteForMessage(std::string_view text);

}  // namespace sfsync::config
