#include "flod/store/io_status.h"

#include <errno.h>
#include <string.h>

namespace flod::store {
namespace {

std::string_view NameOf(IoStatus::Code code) {
  switch (code) {
    case IoStatus::Code::kOk:
      return "OK";
    case IoStatus::Code::kIoError:
      return "I/O error";
    case IoStatus::Code::kNoSpace:
      return "no space";
    case IoStatus::Code::kCorruption:
      return "corruption";
    case IoStatus::Code::kInvalidArgument:
      return "invalid argument";
    case IoStatus::Code::kBusy:
      return "busy";
    case IoStatus::Code::kIncompatible:
      return "incompatible";
  }
  return "unknown";
}

}  // namespace

IoStatus IoStatus::FromErrno(int err, std::string_view what, const std::filesystem::path& file) {
  char buffer[128];
  // GNU strerror_r returns the message, which may or may not live in `buffer`.
  const char* reason = strerror_r(err, buffer, sizeof(buffer));
  std::string message = std::string(what) + " " + file.string() + ": " + reason;
  Code code = (err == ENOSPC || err == EDQUOT) ? Code::kNoSpace : Code::kIoError;
  return IoStatus(code, std::move(message));
}

std::string IoStatus::ToString() const {
  if (ok()) return "OK";
  return std::string(NameOf(code_)) + ": " + message_;
}

IoStatus IoStatus::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return IoStatus(code_, std::string(context) + ": " + message_);
}

}  // namespace flod::store
