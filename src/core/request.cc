#include "flod/core/request.h"

namespace flod {

void Request::Restart(Op new_op, std::string_view new_key) {
  // Copy-assigning from a default request resets every field, and strings and vectors that
  // are assigned or emptied this way keep their capacity.
  static const Request kFresh;
  *this = kFresh;
  op = new_op;
  key.assign(new_key);
}

}  // namespace flod
