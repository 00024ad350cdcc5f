#!/usr/bin/env bash
# The CPU engine against ONNX Runtime on this machine, recorded for bench/results/:
#   bench/cpu-results.sh OUTDIR [RUNS] [REPEATS] [MODELS...]
# For each model, each thread count (1, 2) and each repeat, one `rexnet bench-onnx` run at batch 1 and 8
# (both engines in one process, alternating blocks of 5 calls), with the load average before and after;
# then the per-step profile of rexnet_100 and a summary of every ours/ORT ratio (ratios.md). The machine
# is shared, so only the same-run ratios mean anything; the load average says how busy it was.
set -euo pipefail
out=${1:?usage: bench/cpu-results.sh OUTDIR [RUNS] [REPEATS] [MODELS...]}
runs=${2:-40}
repeats=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(rexnet_100 rexnet_130 rexnet_150 rexnet_200 rexnet_300)
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

dotnet build -c Release "$root/src/RexNet.Cli" -v q -nologo > "$out/build.log"
rexnet="$root/src/RexNet.Cli/bin/Release/net10.0/rexnet"

{
  echo "# machine"
  grep -m1 'model name' /proc/cpuinfo
  lscpu | grep -E '^(CPU\(s\)|Thread|Core|Socket|CPU family|Model:|L1d|L2|L3)'
  echo "avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
  free -g | head -2
  echo "# runtime"
  dotnet --version
  dotnet --list-runtimes | grep NETCore
  uname -r
  echo "# commit"
  git -C "$root" rev-parse HEAD
} > "$out/machine.txt"

for model in "${models[@]}"; do
  file="$out/bench-onnx-$model.md"
  : > "$file"
  for rep in $(seq 1 "$repeats"); do
    for threads in 1 2; do
      {
        echo "## repeat $rep, $threads thread(s)"
        echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo
        "$rexnet" bench-onnx --model "$model" --batch 1,8 --runs "$runs" --warmup 5 --threads "$threads"
        echo
        echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo
      } >> "$file"
    done
  done
done

{
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$rexnet" bench --device cpu --model rexnet_100 --threads 1 --batch 1,8 --runs 20 --warmup 5 --profile
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/profile-rexnet_100-1thread.txt"

# ours/ORT p50 per model, threads, batch and repeat, from the tables above.
{
  echo "| model | threads | batch | repeat | RexNet p50 ms | ORT p50 ms | ours / ORT | load before |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for model in "${models[@]}"; do
    awk -F'|' -v model="$model" '
      /^## repeat/ { split($0, w, " "); rep = w[3]; sub(",", "", rep); threads = w[4] }
      /^load average before/ { split($0, w, " "); load = w[4] " " w[5] " " w[6] }
      $3 ~ /RexNet CPU/ { ours[$2 + 0] = $4 + 0 }
      $3 ~ /ONNX Runtime/ { b = $2 + 0; printf "| %s | %s | %d | %s | %.2f | %.2f | %.2f | %s |\n", model, threads, b, rep, ours[b], $4, ours[b] / $4, load }
    ' "$out/bench-onnx-$model.md"
  done
} > "$out/ratios.md"
cat "$out/ratios.md"
