#include "merges.h"

#include <algorithm>
#include <iterator>

namespace flod::dispatch {

Result MergeNameLists(const Request&, std::vector<Result>& parts) {
  NameListBody merged;
  for (Result& part : parts) {
    if (!part.ok()) return std::move(part);
    auto& names = std::get<NameListBody>(part.body).names;
    std::move(names.begin(), names.end(), std::back_inserter(merged.names));
  }
  std::sort(merged.names.begin(), merged.names.end());
  return Result::Ok(std::move(merged));
}

Result MergeCounts(const Request&, std::vector<Result>& parts) {
  uint64_t total = 0;
  for (Result& part : parts) {
    if (!part.ok()) return std::move(part);
    total += std::get<CountBody>(part.body).count;
  }
  return Result::Ok(CountBody{total});
}

Result MergeFirstError(const Request&, std::vector<Result>& parts) {
  for (Result& part : parts) {
    if (!part.ok()) return std::move(part);
  }
  return Result::Ok();
}

}  // namespace flod::dispatch
