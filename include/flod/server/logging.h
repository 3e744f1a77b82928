#pragma once

#include <string>

namespace flod::server {

// Configures the default spdlog logger on stderr. `format` is "text" or "json" (one JSON
// object per line with time, level, thread and msg). Returns an error message, empty on success.
std::string SetupLogging(const std::string& level, const std::string& format);

}  // namespace flod::server
