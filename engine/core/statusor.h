// StatusOr<T>: either a value or a non-OK Status (abseil's shape, without the dependency).
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "engine/core/status.h"

namespace sfsync {

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // REQUIRES: !status.ok()
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "StatusOr built from OK status");
  }
  StatusOr(const T& value) : value_(value) {}       // NOLINT
  StatusOr(T&& value) : value_(std::move(value)) {}  // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status>>>
  StatusOr(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;  // OK when value_ is set
  std::optional<T> value_;
};

}  // namespace sfsync

#define SFSYNC_CONCAT_INNER_(a, b) a##b
#define SFSYNC_CONCAT_(a, b) SFSYNC_CONCAT_INNER_(a, b)
#define SFSYNC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
// SFSYNC_ASSIGN_OR_RETURN(auto x, Foo()); declares x from a StatusOr or returns its error.
#define SFSYNC_ASSIGN_OR_RETURN(lhs, expr) \
  SFSYNC_ASSIGN_OR_RETURN_IMPL_(SFSYNC_CONCAT_(sfsync_statusor_, __LINE__), lhs, expr)
