#include "flod/dispatch/handler_table.h"

#include <stdexcept>
#include <string>

namespace flod::dispatch {

void HandlerTable::Register(Op op, Handler run, MergeFn merge) {
  entries_[static_cast<size_t>(op)] = HandlerEntry{run, merge};
}

std::vector<Op> HandlerTable::Missing() const {
  std::vector<Op> missing;
  for (size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    const HandlerEntry& entry = entries_[i];
    const bool needs_merge = HasFlag(op, op_flags::kFanOut);
    if (entry.run == nullptr || (needs_merge && entry.merge == nullptr)) missing.push_back(op);
  }
  return missing;
}

namespace {

HandlerTable BuildHandlerTable() {
  HandlerTable table;
  RegisterSystemHandlers(table);
  RegisterKvHandlers(table);
  RegisterQueueHandlers(table);
  RegisterStreamHandlers(table);
  const std::vector<Op> missing = table.Missing();
  if (!missing.empty()) {
    std::string names;
    for (Op op : missing) names += std::string(names.empty() ? "" : ", ") + std::string(NameOf(op));
    throw std::logic_error("ops without a handler: " + names);
  }
  return table;
}

}  // namespace

const HandlerTable& Handlers() {
  static const HandlerTable table = BuildHandlerTable();
  return table;
}

}  // namespace flod::dispatch
