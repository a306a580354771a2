// Error and Result<T>: how every layer above `store` reports a failure that a
// caller can act on (bad input, missing record, conflict). Unexpected failures
// of the machinery itself (a lost database connection, a bug) are exceptions.
//
// Result<T> holds either a value or an Error; it is cheap to move and is
// checked with `ok()` before `value()` is read.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace spmis {

enum class ErrorCode {
  kInvalidArgument,     // the input is wrong: fix it and try again
  kNotFound,            // the named thing does not exist
  kConflict,            // it clashes with what is already there (a duplicate)
  kFailedPrecondition,  // the state does not allow it (stale version, wrong state)
  kPermissionDenied,    // the actor may not do this
  kUnauthenticated,     // the actor is not known
  kUnavailable,         // try later (busy, shutting down)
  kInternal,            // a bug or a broken environment
};

const char* ErrorCodeName(ErrorCode code);

// One refused field of a write, named as the caller named it.
struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<FieldError> fields;  // set for validation failures

  static Error Invalid(std::string message, std::vector<FieldError> fields = {}) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(fields)};
  }
  static Error NotFound(std::string message) {
    return {ErrorCode::kNotFound, std::move(message), {}};
  }
  static Error Conflict(std::string message, std::vector<FieldError> fields = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(fields)};
  }
  static Error Precondition(std::string message) {
    return {ErrorCode::kFailedPrecondition, std::move(message), {}};
  }
  static Error Internal(std::string message) {
    return {ErrorCode::kInternal, std::move(message), {}};
  }

  // "message (field: reason; field: reason)", for logs and the command line.
  std::string ToString() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }
  Error&& take_error() && {
    assert(!ok());
    return std::get<1>(std::move(data_));
  }

 private:
  std::variant<T, Error> data_;
};

// Result of an operation that returns nothing but may fail.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace spmis

// Returns the error of `expr` (a Result) from the enclosing function.
#define SPMIS_CONCAT_INNER(a, b) a##b
#define SPMIS_CONCAT(a, b) SPMIS_CONCAT_INNER(a, b)
#define SPMIS_RETURN_IF_ERROR(expr)                                        \
  do {                                                                     \
    auto&& spmis_status_ = (expr);                                         \
    if (!spmis_status_.ok()) return std::move(spmis_status_).take_error(); \
  } while (0)
// `SPMIS_ASSIGN_OR_RETURN(auto x, Compute());`
#define SPMIS_ASSIGN_OR_RETURN(lhs, expr) \
  SPMIS_ASSIGN_OR_RETURN_IMPL(SPMIS_CONCAT(spmis_result_, __LINE__), lhs, expr)
#define SPMIS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)  \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).take_error(); \
  lhs = std::move(tmp).value()
