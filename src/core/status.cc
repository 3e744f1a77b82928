#include "flod/core/status.h"

namespace flod {

std::string_view NameOf(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kNotFound: return "not_found";
    case Status::kBadRequest: return "bad_request";
    case Status::kConflict: return "conflict";
    case Status::kWrongType: return "wrong_type";
    case Status::kNotInteger: return "not_integer";
    case Status::kUnauthorized: return "unauthorized";
    case Status::kGroupLocked: return "group_locked";
    case Status::kOverloaded: return "overloaded";
    case Status::kRateLimited: return "rate_limited";
    case Status::kUnavailable: return "unavailable";
    case Status::kInternal: return "internal_error";
    case Status::kPending: return "pending";
  }
  return "unknown";
}

}  // namespace flod
