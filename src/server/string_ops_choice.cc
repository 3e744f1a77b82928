#include "flod/server/string_ops_choice.h"

#include <sys/auxv.h>
#include <unistd.h>

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

bool CpuHasAvx512() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") || __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

}  // namespace

std::optional<std::string> TunablesForStringOps(const char* current, bool cpu_has_avx512) {
  if (!cpu_has_avx512) return std::nullopt;
  const std::string_view tunables = current != nullptr ? current : "";
  if (SetsHwcaps(tunables)) return std::nullopt;
  std::string wanted(tunables);
  if (!wanted.empty()) wanted += ':';
  wanted += kNoAvx512StringOps;
  return wanted;
}

void RestartForStringOps(char** argv, std::string& not_restarted) {
  not_restarted.clear();
#if defined(__GLIBC__)
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::string before = current != nullptr ? current : "";
  const std::optional<std::string> tunables = TunablesForStringOps(current, CpuHasAvx512());
  if (!tunables) return;
  // A privileged start (set-user-ID, file capabilities) has glibc drop GLIBC_TUNABLES, so
  // the restarted flod would ask again forever.
  if (getauxval(AT_SECURE) != 0) {
    not_restarted = "privileged start: glibc ignores GLIBC_TUNABLES";
    return;
  }
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) {
    not_restarted = std::string("setenv: ") + std::strerror(errno);
    return;
  }
  execv("/proc/self/exe", argv);
  not_restarted = std::string("execv /proc/self/exe: ") + std::strerror(errno);
  // Back as it was, for any program flod starts: the choice was not made after all.
  if (current != nullptr) {
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
#else
  (void)argv;
#endif
}

}  // namespace flod::server
