#pragma once
// Merge functions that several families' fan-out ops share (see HandlerTable::MergeFn).

#include <vector>

#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::dispatch {

// NameListBody parts → one sorted list. Every name lives on exactly one shard, so the parts
// never overlap; sorting makes the listing independent of the shard count.
Result MergeNameLists(const Request& request, std::vector<Result>& parts);

// CountBody parts → their sum.
Result MergeCounts(const Request& request, std::vector<Result>& parts);

// Parts without a body → OK, or the first error.
Result MergeFirstError(const Request& request, std::vector<Result>& parts);

}  // namespace flod::dispatch
