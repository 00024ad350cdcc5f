#!/usr/bin/env bash
# wrap-kernels.sh OUTDIR DIR... - writes, for every DIR/*.cu, a C++ wrapper that includes the kernel
# file inside a namespace of its own (kernel files may reuse helper names: NVRTC compiles them one at a
# time) and registers each of its extern "C" __global__ entry points with the emulation
# (REXNET_EMU_REGISTER, emu_runtime.h). Prints the wrappers' paths, one a line. Compile them with
# -include emu_runtime.h and link them with emu_runtime.cpp: the test suite does for the kernel tests
# (EmulatorBuild.cs), tests/cuda-mock/build.sh for the mock driver.
set -euo pipefail
out=${1:?usage: wrap-kernels.sh OUTDIR DIR...}
shift
index=0
for dir in "$@"; do
  for cu in $(find "$dir" -maxdepth 1 -name '*.cu' | LC_ALL=C sort); do
    cu=$(cd "$(dirname "$cu")" && pwd)/$(basename "$cu")
    ns=rexnet_kernel_$(basename "$cu" .cu | tr -c 'A-Za-z0-9_\n' '_')
    wrapper=$out/wrapper$index.cpp
    {
      printf 'namespace %s {\n#include "%s"\n}\n' "$ns" "$cu"
      perl -0777 -ne 'while (/extern\s+"C"\s+__global__\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(\w+)\s*\(/g) { print "REXNET_EMU_REGISTER('"$ns"', $1)\n" }' "$cu"
    } >"$wrapper"
    echo "$wrapper"
    index=$((index + 1))
  done
done
