#include "flod/server/string_ops_choice.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace flod::server {
namespace {

bool SetsHwcaps(std::string_view tunables) {
  // GLIBC_TUNABLES is a colon-separated list of name=value pairs.
  constexpr std::string_view kName = "glibc.cpu.hwcaps=";
  size_t start = 0;
  while (start <= tunables.size()) {
    const size_t end = std::min(tunables.find(':', start), tunables.size());
    if (tunables.substr(start, end - start).starts_with(kName)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool CpuHasAvx512() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") || __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

std::optional<std::string> TunablesForStringOps(const char* current, bool cpu_has_avx512) {
  if (!cpu_has_avx512) return std::nullopt;
  const std::string_view tunables = current != nullptr ? current : "";
  if (SetsHwcaps(tunables)) return std::nullopt;
  std::string wanted(tunables);
  if (!wanted.empty()) wanted += ':';
  wanted += kNoAvx512StringOps;
  return wanted;
}

std::string RunningBinary() {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  // A replaced or removed binary reads as "<path> (deleted)", which is no file to execute.
  if (error || !std::filesystem::exists(path, error)) return {};
  return path.string();
}

std::string RestartForStringOps(char** argv, const std::string& self) {
#if defined(__GLIBC__)
  const std::optional<std::string> tunables =
      TunablesForStringOps(std::getenv("GLIBC_TUNABLES"), CpuHasAvx512());
  if (!tunables) return {};
  if (self.empty()) return "the running binary's path is unknown";
  // A privileged start (set-user-ID, file capabilities) has glibc drop GLIBC_TUNABLES, so
  // the restarted flod would ask again forever.
  if (getauxval(AT_SECURE) != 0) return "privileged start: glibc ignores GLIBC_TUNABLES";
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) {
    return std::string("setenv: ") + std::strerror(errno);
  }
  execv(self.c_str(), argv);
  return "execv " + self + ": " + std::strerror(errno);
#else
  (void)argv;
  (void)self;
  return {};
#endif
}

}  // namespace flod::server
