#pragma once
// How store operations report failure: a code and a message that names the file and, where it
// matters, the byte offset. The store never throws across its API and never logs; callers log
// the message and decide what to do.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace flod::store {

class IoStatus {
 public:
  enum class Code : uint8_t {
    kOk,
    kIoError,          // a system call failed (errno in the message)
    kNoSpace,          // ENOSPC or EDQUOT: retrying after space returns may succeed
    kCorruption,       // bytes on disk do not match their format or checksum
    kInvalidArgument,  // the caller broke a precondition (oversize record, record type 0)
    kBusy,             // another process holds the data dir lock
    kIncompatible,     // the data dir was made with other settings (shard count, format)
  };

  IoStatus() = default;  // OK

  static IoStatus Ok() { return {}; }
  static IoStatus IoError(std::string message) { return {Code::kIoError, std::move(message)}; }
  static IoStatus Corruption(std::string message) {
    return {Code::kCorruption, std::move(message)};
  }
  static IoStatus InvalidArgument(std::string message) {
    return {Code::kInvalidArgument, std::move(message)};
  }
  static IoStatus Busy(std::string message) { return {Code::kBusy, std::move(message)}; }
  static IoStatus Incompatible(std::string message) {
    return {Code::kIncompatible, std::move(message)};
  }
  // "<what> <file>: <strerror(err)>", kNoSpace for ENOSPC/EDQUOT, kIoError otherwise.
  static IoStatus FromErrno(int err, std::string_view what, const std::filesystem::path& file);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

  // Same code, with `context` put in front of the message ("WAL writer failed earlier: ...").
  IoStatus WithContext(std::string_view context) const;

 private:
  IoStatus(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the IoStatus explaining why there is none (std::expected is C++23).
template <typename T>
class IoExpected {
 public:
  IoExpected(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  IoExpected(IoStatus error) : state_(std::move(error)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  // OK when a value is held.
  IoStatus status() const { return ok() ? IoStatus::Ok() : std::get<IoStatus>(state_); }

 private:
  std::variant<T, IoStatus> state_;
};

}  // namespace flod::store
