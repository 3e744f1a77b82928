#include "flo_session.h"

#include <spdlog/spdlog.h>

#include "connection.h"
#include "flod/codec/flo/frame.h"
#include "flod/codec/flo/reply_encoder.h"
#include "flod/codec/flo/request_decoder.h"
#include "flod/dispatch/dispatcher.h"

namespace flod::server {

using codec::flo::FrameStatus;

FloSession::FloSession(Connection& connection, codec::flo::ConnectionProfile profile)
    : Session(connection), profile_(profile) {}

size_t FloSession::OnInput(std::string_view input) {
  size_t consumed = 0;
  while (consumed < input.size()) {
    const codec::flo::FrameResult parsed = codec::flo::ParseFrame(input.substr(consumed), profile_);
    switch (parsed.status) {
      case FrameStatus::kNeedMore:
        return consumed;
      case FrameStatus::kFatal:
        spdlog::info("connection {} ({}): closing, unrecoverable frame: {}", connection().id(),
                     connection().peer(), parsed.error);
        codec::flo::AppendFrameRejection(profile_, parsed.error, connection().output());
        connection().CloseAfterWrite();
        return input.size();
      case FrameStatus::kBadFrame:
        codec::flo::AppendErrorReply(profile_, parsed.frame.header.request_id,
                                     Status::kBadRequest, parsed.error, connection().output());
        break;
      case FrameStatus::kFrame:
        HandleFrame(parsed.frame);
        break;
    }
    consumed += parsed.frame.size;
  }
  return consumed;
}

void FloSession::HandleFrame(const codec::flo::Frame& frame) {
  if (profile_.framing == codec::flo::Framing::kSdkV2 && profile_.table_hash == 0) {
    profile_.table_hash = frame.header.reserved;  // ParseFrame accepted it as a known hash
  }
  const uint64_t request_id = frame.header.request_id;
  // Decoded straight into the pooled call's request: no Request is built, moved and freed.
  Request& request = connection().NextRequest();
  if (auto error = codec::flo::DecodeRequest(frame, profile_, request)) {
    codec::flo::AppendErrorReply(profile_, request_id, error->status, error->message,
                                 connection().output());
    return;
  }
  if (auto invalid = dispatch::Validate(request)) {
    codec::flo::EncodeReply(profile_, request_id, request.op, *invalid, connection().output());
    return;
  }
  connection().SubmitNext(
      [connection = &connection(), profile = profile_, request_id, op = request.op](Result&& result) {
        codec::flo::EncodeReply(profile, request_id, op, result, connection->output());
      });
}

}  // namespace flod::server
