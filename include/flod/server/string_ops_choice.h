#pragma once
// Which memcpy/memset/strlen family glibc gives flod. glibc picks it once, when the program is
// loaded, from the CPU and the GLIBC_TUNABLES environment variable; on a CPU with AVX-512 it
// picks its AVX-512 / EVEX versions. On the 2-core Sapphire Rapids VM flod is measured on,
// those nearly doubled flod's CPU per 1 KiB GET (median 1.91 against 0.99 us with glibc's AVX2
// versions, docs/performance.md), the cost showing up in flod's SSE code after the copies
// rather than in them, so no change to flod's own code removes it. flod therefore starts itself
// once more, at startup, with GLIBC_TUNABLES asking for the AVX2 versions.

#include <optional>
#include <string>
#include <string_view>

namespace flod::server {

// The glibc tunable that makes the AVX-512 and EVEX string functions unusable.
inline constexpr std::string_view kNoAvx512StringOps = "glibc.cpu.hwcaps=-AVX512F,-AVX512VL";

// Whether glibc would pick its AVX-512 / EVEX string functions on this CPU.
bool CpuHasAvx512();

// The GLIBC_TUNABLES value flod should run under, given the current one (nullptr: unset), or
// nullopt when nothing needs to change: the CPU has no AVX-512, or the value already sets
// glibc.cpu.hwcaps (an operator's own choice stands, and a restarted flod sees its own).
std::optional<std::string> TunablesForStringOps(const char* current, bool cpu_has_avx512);

// The path of the running binary (/proc/self/exe resolved), or empty when it is unknown or
// has been deleted since it started. Executing it by this path, rather than by
// /proc/self/exe, keeps the process's name (comm, what ps, pgrep and top show) "flod": the
// kernel names a process after the file it executes.
std::string RunningBinary();

// Before any file or thread is open: when TunablesForStringOps asks for a change, sets
// GLIBC_TUNABLES and executes `self` (this binary, by RunningBinary's path) again with the
// same arguments and the same process id. Returns only when no change is needed (empty) or
// the restart cannot happen (why not); flod then runs as it is.
std::string RestartForStringOps(char** argv, const std::string& self);

}  // namespace flod::server
