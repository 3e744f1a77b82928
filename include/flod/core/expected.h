#pragma once
// A value or an error Result (std::expected is C++23). Engines return it where an operation
// either produces a value or fails with a status and message.

#include <utility>
#include <variant>

#include "flod/core/result.h"

namespace flod {

template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}                    // NOLINT: implicit by design
  Expected(Result error) : state_(std::move(error)) {}               // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  Result& error() { return std::get<Result>(state_); }
  const Result& error() const { return std::get<Result>(state_); }

 private:
  std::variant<T, Result> state_;
};

}  // namespace flod
