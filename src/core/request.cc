#include "flod/core/request.h"

namespace flod {

void RequestArgs::Reset() {
  keys.clear();
  values.clear();
  path.clear();
  cursor.clear();
  pattern.clear();
  delta = 1;
  seqs.clear();
  group.clear();
  consumer.clear();
  stream_ids.clear();
  ids_are_sequences = false;
  id_auto_sequence = false;
  partition_count = 1;
  headers.clear();
}

// Field by field: copying a whole fresh request visits every element of every container and
// every optional, while most requests reach here with nearly every field already at its default.
void Request::Restart(Op new_op, std::string_view new_key) {
  static const Options kFreshOptions;
  op = new_op;
  if (ns != kDefaultNamespace) ns.assign(kDefaultNamespace);
  key.assign(new_key);
  value.clear();
  options = kFreshOptions;
  args.Reset();
  wait = WaitState{};
}

}  // namespace flod
