#!/usr/bin/env bash
# tests/cuda-mock/build.sh OUTDIR - builds the mock CUDA driver and cuBLAS with g++ (see README.md):
#   OUTDIR/libcuda.so.1      the driver entry points we bind, kernels run in the host emulation of
#                            kernels/*.cu and tests/cuda-mock/test-kernels/*.cu
#   OUTDIR/libcublas.so.12   cuBLAS (SGEMMs on the mock's streams), with libcublas.so beside it
# Use it with the real NVRTC: REXNET_CUDA_LIBS=OUTDIR rexnet doctor
set -euo pipefail
out=${1:?usage: tests/cuda-mock/build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
emu=$repo/tests/kernel-emulation
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags=(-std=c++17 -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -Werror -Wno-unknown-pragmas -mfma -pthread)
# compile OBJECT SOURCE [EXTRA FLAGS...]; run in the background, several at a time
compile() {
  local object=$1 source=$2
  shift 2
  g++ "${flags[@]}" "$@" -c "$source" -o "$object"
}

mapfile -t wrappers < <(bash "$emu/wrap-kernels.sh" "$work" "$repo/kernels" "$here/test-kernels")
for w in "${wrappers[@]}"; do
  compile "${w%.cpp}.o" "$w" -include "$emu/emu_runtime.h" -I "$emu" &
done
compile "$work/emu_runtime.o" "$emu/emu_runtime.cpp" -I "$emu" &
for src in "$here"/mock_*.cpp "$here/driver_api.cpp"; do
  compile "$work/$(basename "${src%.cpp}").o" "$src" &
done
for job in $(jobs -p); do
  wait "$job" || { echo "cuda-mock: a compile failed" >&2; exit 1; }
done
objects=("$work"/*.o)

g++ -shared -pthread -Wl,--no-undefined -Wl,-soname,libcuda.so.1 "${objects[@]}" -o "$out/libcuda.so.1.tmp"
mv "$out/libcuda.so.1.tmp" "$out/libcuda.so.1"
g++ "${flags[@]}" -shared -Wl,--no-undefined -Wl,-soname,libcublas.so.12 "$here/cublas_api.cpp" -L "$out" -l:libcuda.so.1 \
  -Wl,-rpath,'$ORIGIN' -o "$out/libcublas.so.12.tmp"
mv "$out/libcublas.so.12.tmp" "$out/libcublas.so.12"
ln -sfn libcublas.so.12 "$out/libcublas.so"
echo "cuda-mock: built $out/libcuda.so.1 and $out/libcublas.so.12"
