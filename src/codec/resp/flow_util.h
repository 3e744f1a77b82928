#pragma once
// Small helpers the command flows share.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "command_util.h"
#include "flod/codec/resp/command_flow.h"
#include "flod/codec/resp/resp_writer.h"

namespace flod::codec::resp {

// Finishes the flow with what `write(RespWriter&)` writes.
template <typename Write>
void FinishWith(FlowRunner& runner, Write&& write) {
  std::string reply;
  RespWriter out(reply);
  std::forward<Write>(write)(out);
  runner.Finish(std::move(reply));
}

inline void FinishWithError(FlowRunner& runner, std::string_view message) {
  FinishWith(runner, [&](RespWriter& out) { out.Error(message); });
}

inline void FinishWithError(FlowRunner& runner, const Result& result) {
  FinishWith(runner, [&](RespWriter& out) { WriteError(result, out); });
}

template <typename Body>
const Body* OkBody(const Result& result) {
  return result.ok() ? std::get_if<Body>(&result.body) : nullptr;
}

// When a blocking command stops waiting.
struct Deadline {
  bool forever = false;
  int64_t at_ms = 0;

  static Deadline After(FlowRunner& runner, uint64_t block_ms) {
    if (block_ms == 0) return {true, 0};
    const auto wait = static_cast<int64_t>(std::min<uint64_t>(block_ms, INT64_MAX / 4));
    return {false, runner.NowMs() + wait};
  }
  bool Passed(FlowRunner& runner) const { return !forever && runner.NowMs() >= at_ms; }
  // How long the next round may park: at most `cap`, and never past the deadline.
  uint32_t Round(FlowRunner& runner, uint32_t cap) const {
    if (forever) return cap;
    return static_cast<uint32_t>(std::clamp<int64_t>(at_ms - runner.NowMs(), 1, cap));
  }
};

}  // namespace flod::codec::resp
