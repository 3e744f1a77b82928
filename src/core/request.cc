#include "flod/core/request.h"

namespace flod {

// Every field is reset here by hand, to keep the capacity of the strings and vectors. A field
// added to Request, RequestArgs or WaitState must be added below too: these checks fail until
// the sizes are updated, as a reminder.
static_assert(sizeof(Request) == 896 && sizeof(RequestArgs) == 296 && sizeof(WaitState) == 24,
              "a field was added or removed: reset it in Request::Restart");

void Request::Restart(Op new_op, std::string_view new_key) {
  op = new_op;
  ns.assign(kDefaultNamespace);
  key.assign(new_key);
  value.clear();
  options = Options{};  // few of its fields own memory, and those are rarely set
  args.keys.clear();
  args.values.clear();
  args.path.clear();
  args.cursor.clear();
  args.pattern.clear();
  args.delta = 1;
  args.seqs.clear();
  args.group.clear();
  args.consumer.clear();
  args.stream_ids.clear();
  args.ids_are_sequences = false;
  args.id_auto_sequence = false;
  args.partition_count = 1;
  args.headers.clear();
  wait = WaitState{};
}

}  // namespace flod
