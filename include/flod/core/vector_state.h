#pragma once
// ISA-L's CRC code for AVX-512 CPUs (crc32_iscsi_by16_10, crc32_gzip_refl_by16_10) is
// hand-written assembly that returns with the upper halves of the vector registers still in
// use: it ends without `vzeroupper`, as compiled AVX code does. Until something clears them,
// the SSE instructions that GCC emits everywhere in flod run with that state; in `perf` of
// 1 KiB SET at -P 16 on Sapphire Rapids, the first SSE instruction after a WAL record's
// checksum took 95 % of WalWriter::Append's time, and clearing the state after the checksum
// took the row from a median 5.4 to 4.1 us of CPU per request (docs/performance.md).

namespace flod {

// Clears the upper halves of the AVX registers (`vzeroupper`) on CPUs that have them;
// nothing on others. Call it after foreign vector code that leaves them in use.
void ClearUpperVectorState();

}  // namespace flod
