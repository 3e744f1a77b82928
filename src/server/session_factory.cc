#include "session_factory.h"

#include <spdlog/spdlog.h>

#include "connection.h"
#include "flo_session.h"
#include "flod/codec/flo/frame.h"
#include "resp_session.h"
#include "runtime.h"

namespace flod::server {
namespace {

codec::flo::ConnectionProfile ProfileFor(codec::flo::Framing framing, const ServerConfig& config) {
  const auto client = codec::flo::ParseClientProfile(config.flo_client_profile)
                          .value_or(codec::flo::ClientProfile::kGo);
  auto profile = codec::flo::MakeProfile(framing, client, config.max_frame_bytes);
  if (framing == codec::flo::Framing::kSdkV1 && config.flo_ttl_milliseconds) {
    profile.ttl_unit = codec::flo::TtlUnit::kMilliseconds;
  }
  return profile;
}

std::string HttpRefusal(std::string_view text) {
  return "HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + std::string(text);
}

std::unique_ptr<Session> Refuse(Connection& connection, std::string_view what,
                                std::string_view reply) {
  spdlog::info("connection {} ({}): {}; closing", connection.id(), connection.peer(), what);
  connection.Send(reply);
  connection.CloseAfterWrite();
  return nullptr;
}

}  // namespace

std::unique_ptr<Session> MakeSession(const codec::SniffResult& sniffed, Connection& connection) {
  const ServerConfig& config = connection.runtime().config;
  if (sniffed.verdict == codec::SniffVerdict::kUnknown) {
    return Refuse(connection, "unrecognised protocol", {});
  }
  switch (sniffed.protocol) {
    case codec::Protocol::kFloSdkV1:
      return std::make_unique<FloSession>(connection, ProfileFor(codec::flo::Framing::kSdkV1, config));
    case codec::Protocol::kFloSdkV2:
      return std::make_unique<FloSession>(connection, ProfileFor(codec::flo::Framing::kSdkV2, config));
    case codec::Protocol::kFloLegacy:
      return std::make_unique<FloSession>(connection, ProfileFor(codec::flo::Framing::kLegacy, config));
    case codec::Protocol::kFloUndecided: {
      std::string rejection;
      codec::flo::AppendFrameRejection(ProfileFor(codec::flo::Framing::kSdkV1, config),
                                       codec::flo::kRejectionMessage, rejection);
      return Refuse(connection, "Flo frame of no known framing", rejection);
    }
    case codec::Protocol::kFloDocumented:
      return Refuse(connection, "Flo documented framing (FLO\\x01), which no client speaks", {});
    case codec::Protocol::kResp:
      return std::make_unique<RespSession>(connection);
    case codec::Protocol::kHttp:
      return Refuse(connection, "HTTP client, not served by this build",
                    HttpRefusal("flod: HTTP is not served by this build yet\n"));
    case codec::Protocol::kWebSocket:
      return Refuse(connection, "WebSocket client, not served by this build",
                    HttpRefusal("flod: WebSocket is not served by this build yet\n"));
  }
  return Refuse(connection, "unrecognised protocol", {});
}

}  // namespace flod::server
