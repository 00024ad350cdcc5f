#!/usr/bin/env bash
# The step functions are called indirectly (exported, then run by `bash -c` under timeout):
# shellcheck disable=SC2317
# The GPU verification on a lent GPU machine (no .NET SDK, no network there), in two phases of under
# five minutes each, one device call per phase (see bench/README.md):
#   phase 1: unpack  .gpu-pack/rexnet-gpu.tar.xz (made here by bench/pack-gpu.sh; python's tarfile if there is no xz)
#            env     nvidia-smi, versions, CUDA library discovery, `rexnet doctor --json`
#            cases   timm parity cases made on that machine: 5 seed models x batch 1, 8 (torch_parity.py),
#                    and the test suite's ../shared/parity cases when absent
#            tests   the published RexNet.Tests, GPU tests only (trait Category=Gpu; CPU-only tests run in CI)
#            parity  `rexnet run --device cuda` on every case, compared with timm (parity_compare.py)
#   phase 2: bench   `rexnet bench --device cuda` for every seed model at batch 1, 4, 8
#            torch   PyTorch eager / channels-last / CUDA-graph baselines (torch_bench.py)
#            compile torch.compile reduce-overhead and max-autotune, as far as the budget allows
#            combine the latency table (combine_results.py)
# Every step runs under its own timeout inside the phase's budget, a failed step never stops the next,
# and every step's results (JSON) are published to OUTDIR before the next starts. Steps that need PyTorch
# are recorded as skipped where python cannot import torch. Details go to $GPU_CHECK_WORK/results; OUTDIR
# receives at most 7 files (the device tool returns 8): summary.md, summary.json, latency.md,
# latency.json, parity.json, gpu-check.log and results.tar.gz with every log and JSON file. Phase 2 adds
# to phase 1's results when it runs on the same (still warm) machine.
#
# usage: bench/gpu-check.sh [OUTDIR]            OUTDIR defaults to $OUT
# environment: GPU_CHECK_PHASE (1, 2 or all; default all), GPU_CHECK_BUDGET_S (seconds for the whole run;
#   default 290 a phase), GPU_CHECK_STEPS (comma list, default the phase's steps), GPU_CHECK_WORK (default
#   /tmp/rexnet-gpu-check), GPU_CHECK_PACK (default .gpu-pack/rexnet-gpu.tar.xz), GPU_CHECK_BIN (a folder
#   holding rexnet and RexNet.Tests to use instead of the pack), GPU_CHECK_DRY_RUN=1 (tiny sizes and counts:
#   checks the script itself, e.g. on the mock driver in CI; no timing it reports means anything),
#   GPU_CHECK_TEST_ARGS (extra arguments for the test runner, e.g. -class NAME), PYTHON (default python3)
set -u

START=$(date +%s)
export PHASE=${GPU_CHECK_PHASE:-all}
case $PHASE in
  1) default_steps=env,cases,tests,parity; default_budget=290 ;;
  2) default_steps=bench,torch,compile,combine; default_budget=290 ;;
  all) default_steps=env,cases,tests,parity,bench,torch,compile,combine; default_budget=580 ;;
  *) echo "gpu-check: GPU_CHECK_PHASE must be 1, 2 or all, got '$PHASE'" >&2; exit 2 ;;
esac
export BUDGET=${GPU_CHECK_BUDGET_S:-$default_budget}
OUTDIR=${1:-${OUT:-}}
if [ -z "$OUTDIR" ]; then
  echo "usage: bench/gpu-check.sh OUTDIR (or set OUT)" >&2
  exit 2
fi
mkdir -p "$OUTDIR" || exit 2
OUTDIR=$(cd "$OUTDIR" && pwd)
export REPO; REPO=$(cd "$(dirname "$0")/.." && pwd)
export WORK=${GPU_CHECK_WORK:-/tmp/rexnet-gpu-check}
export RESULTS=$WORK/results
export PY=${PYTHON:-python3}
export REF=$REPO/bench/reference
export PACK=${GPU_CHECK_PACK:-$REPO/.gpu-pack/rexnet-gpu.tar.xz}
export BIN=${GPU_CHECK_BIN:-$WORK/pack/rexnet-gpu/bin}
export STEPS=${GPU_CHECK_STEPS:-$default_steps}
export DRY_RUN=${GPU_CHECK_DRY_RUN:-0}
export TEST_ARGS=${GPU_CHECK_TEST_ARGS:-}
if [ "$DRY_RUN" = 1 ]; then
  # The script's own check: one small model, one batch, a few runs. Nothing measured this way is a result.
  export SEED_MODELS=rexnet_100 BATCHES=1 SIZE=32 OUR_RUNS=3 OUR_WARMUP=1 TORCH_RUNS=3 TORCH_WARMUP=1
else
  export SEED_MODELS="rexnet_100 rexnet_130 rexnet_150 rexnet_200 rexnet_300" BATCHES=1,4,8 SIZE=224 OUR_RUNS="" OUR_WARMUP=50 TORCH_RUNS=200 TORCH_WARMUP=20
fi
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export XDG_CACHE_HOME=$WORK/cache TORCHINDUCTOR_CACHE_DIR=$WORK/inductor
export REXNET_REPO_ROOT=$REPO

# Phase 1 (or a whole run) starts new results; phase 2 adds to phase 1's on the same machine. A rerun in
# the same machine keeps the unpacked pack and the parity cases.
if [ "$PHASE" != 2 ]; then
  rm -rf "$RESULTS"
fi
mkdir -p "$RESULTS"/{env,tests,parity,latency,bench,logs} "$WORK/cache" || exit 2
# Phase 2 on a fresh machine (phase 1's results gone) finds the CUDA libraries again first.
if [ "$PHASE" = 2 ] && [ -z "${GPU_CHECK_STEPS:-}" ] && [ ! -f "$RESULTS/env/doctor.json" ]; then
  STEPS=env,$STEPS
fi
# Later steps source this file: the env step adds library paths to it when the defaults fail.
[ -f "$WORK/env.sh" ] || : >"$WORK/env.sh"
exec > >(tee "$OUTDIR/gpu-check.log") 2>&1
TEE_PID=$!

remaining() { echo $((START + BUDGET - $(date +%s))); }

# Appends one JSON line per step to steps.jsonl.
record() {
  "$PY" -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "status": sys.argv[2], "rc": int(sys.argv[3]), "seconds": int(sys.argv[4]), "note": sys.argv[5]}))' \
    "$@" >>"$RESULTS/steps.jsonl" 2>/dev/null \
    || printf '{"name": "%s", "status": "%s", "rc": %s, "seconds": %s, "note": "python unavailable"}\n' "$1" "$2" "$3" "$4" >>"$RESULTS/steps.jsonl"
}

# Refreshes what comes back: run after every step so a cut-off call still returns the newest state.
publish() {
  "$PY" "$REF/summarize.py" "$RESULTS" "$OUTDIR" >/dev/null 2>&1 || echo "(summarize.py failed)"
  for f in latency/latency.md latency/latency.json parity/parity.json; do
    [ -f "$RESULTS/$f" ] && cp "$RESULTS/$f" "$OUTDIR/"
  done
  tar -czf "$OUTDIR/results.tar.gz.tmp" -C "$WORK" results 2>/dev/null && mv "$OUTDIR/results.tar.gz.tmp" "$OUTDIR/results.tar.gz"
}

# Whether python can import torch (and timm): the steps that need them are skipped, not failed, without.
export HAS_TORCH=0
"$PY" -c 'import torch, timm' >/dev/null 2>&1 && HAS_TORCH=1

# run_step NAME CAP_S MIN_S FUNCTION [needs-torch]: runs FUNCTION in a child bash under min(CAP, budget
# left - 15 s). This timeout signals its whole process group; the steps' own timeouts use --foreground so
# that they stay inside that group and a step that overruns takes its running command with it.
# The function writes a one-line note to $NOTE; its exit code decides pass/fail; 124/137 is a timeout.
run_step() {
  local name=$1 cap=$2 min=$3 fn=$4 needs=${5:-} t t0 rc status note
  case ",$STEPS," in *",$name,"*) ;; *) return 0 ;; esac
  if [ "$needs" = needs-torch ] && [ "$HAS_TORCH" = 0 ]; then
    echo "== $name: skipped, $PY cannot import torch and timm"
    record "$name" skipped 0 0 "$PY cannot import torch and timm"
    publish
    return 0
  fi
  t=$(($(remaining) - 15))
  [ "$t" -gt "$cap" ] && t=$cap
  if [ "$t" -lt "$min" ]; then
    echo "== $name: skipped, ${t}s of budget left and it needs ${min}s"
    record "$name" skipped 0 0 "budget: ${t}s left, needs ${min}s"
    publish
    return 0
  fi
  echo "== $name (timeout ${t}s; $(remaining)s of the ${BUDGET}s budget left)"
  t0=$(date +%s)
  export NOTE=$RESULTS/logs/$name.note STEP_TIMEOUT=$t
  : >"$NOTE"
  timeout -k 5 "$t" bash -c "source '$WORK/env.sh'; $fn" >"$RESULTS/logs/$name.log" 2>&1
  rc=$?
  case $rc in
    0) status=pass ;;
    124 | 137) status=timeout ;;
    *) status=fail ;;
  esac
  note=$(head -c 400 "$NOTE" 2>/dev/null | tr '\n' ' ')
  record "$name" "$status" "$rc" "$(($(date +%s) - t0))" "$note"
  echo "   $status (rc $rc, $(($(date +%s) - t0))s) $note"
  tail -n 4 "$RESULTS/logs/$name.log" | sed 's/^/   | /'
  publish
}

# --- the steps (each runs in its own bash; state passes through files) -----------------------------

step_unpack() {
  if [ -n "${GPU_CHECK_BIN:-}" ]; then
    echo "binaries from GPU_CHECK_BIN=$GPU_CHECK_BIN, no pack" >"$NOTE"
  else
    [ -f "$PACK" ] || { echo "no pack at $PACK: run bench/pack-gpu.sh and carry .gpu-pack" >"$NOTE"; return 1; }
    local sum; sum=$(md5sum <"$PACK")
    if [ -x "$BIN/rexnet" ] && [ "$(cat "$WORK/pack.md5" 2>/dev/null)" = "$sum" ]; then
      echo "pack already unpacked" >"$NOTE"
    else
      rm -rf "$WORK/pack" "$WORK/pack.md5" && mkdir -p "$WORK/pack" || return 1
      if command -v xz >/dev/null; then
        xz -dc "$PACK" | tar -C "$WORK/pack" -xf - || { echo "cannot unpack $PACK" >"$NOTE"; return 1; }
      else
        # No xz on this machine: python's tarfile reads .tar.xz through its lzma module.
        "$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$PACK" "$WORK/pack" \
          || { echo "cannot unpack $PACK (no xz; python's tarfile failed too)" >"$NOTE"; return 1; }
        echo "unpacked with python's tarfile (no xz); " >>"$NOTE"
      fi
      echo "$sum" >"$WORK/pack.md5"
    fi
    cp "$WORK/pack/rexnet-gpu/BUILD_INFO.json" "$RESULTS/env/" 2>/dev/null
    echo "pack $(du -sh "$PACK" | cut -f1) from commit $(grep -o '"commit": "[0-9a-f]*' "$RESULTS/env/BUILD_INFO.json" | cut -c12-19)" >>"$NOTE"
  fi
  "$BIN/rexnet" zoo >/dev/null || { echo "$BIN/rexnet does not start" >"$NOTE"; return 1; }
}
export -f step_unpack

# Folders that hold NVRTC and cuBLAS of CUDA 13/12 on this machine: the toolkit first, then the
# pip wheels inside python's site-packages (PyTorch's own copies).
cuda_library_folders() {
  {
    for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-*/lib64; do
      [ -d "$d" ] && echo "$d"
    done
    for sp in $("$PY" -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
      [ -d "$sp/nvidia" ] && find "$sp/nvidia" -maxdepth 4 \( -name 'libnvrtc.so.1[23]*' -o -name 'libcublas.so.1[23]*' \) -printf '%h\n' 2>/dev/null
    done
  } | awk '!seen[$0]++' | while read -r d; do
    ls "$d"/libnvrtc.so.1[23]* "$d"/libcublas.so.1[23]* >/dev/null 2>&1 && echo "$d"
  done
}
export -f cuda_library_folders

step_env() {
  local env=$RESULTS/env rc
  {
    echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "host: $(uname -a)"; echo "cpus: $(nproc)"
    echo "python: $("$PY" --version 2>&1)"
    "$PY" -c 'import torch, timm, numpy; print("torch:", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version()); print("timm:", timm.__version__); print("numpy:", numpy.__version__)' 2>&1
    echo "nvcc: $(nvcc --version 2>&1 | tail -n 2 | tr '\n' ' ')"
    echo "g++: $(g++ --version 2>&1 | head -n 1)"
    echo "REXNET_CUDA_LIBS: ${REXNET_CUDA_LIBS:-unset}"
  } >"$env/versions.txt"
  nvidia-smi >"$env/nvidia-smi.txt" 2>&1
  nvidia-smi -q >"$env/nvidia-smi-q.txt" 2>&1
  nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,clocks.max.sm,clocks.max.mem,temperature.gpu,power.draw,utilization.gpu \
    --format=csv >"$env/clocks.csv" 2>&1
  "$PY" - "$env" <<'PY' 2>>"$env/versions.txt"
import json, subprocess, sys
fields = ["name", "driver_version", "memory.total", "clocks.max.sm", "clocks.max.mem", "power.limit", "persistence_mode", "compute_mode", "pci.bus_id"]
info = {}
try:
    out = subprocess.run(["nvidia-smi", "--query-gpu=" + ",".join(fields), "--format=csv,noheader"], capture_output=True, text=True, timeout=30)
    info = dict(zip(fields, [v.strip() for v in out.stdout.splitlines()[0].split(",")])) if out.returncode == 0 and out.stdout.strip() else {"nvidia_smi": (out.stderr or out.stdout).strip()[:200]}
    head = subprocess.run(["nvidia-smi"], capture_output=True, text=True, timeout=30).stdout
    if "CUDA Version:" in head:
        info["cuda_driver_api"] = head.split("CUDA Version:")[1].split()[0]
except (OSError, subprocess.SubprocessError, IndexError) as e:
    info = {"nvidia_smi": f"unavailable: {e}"}
json.dump(info, open(sys.argv[1] + "/gpu.json", "w"), indent=2)
PY
  cuda_library_folders >"$env/cuda-library-folders.txt"
  "$BIN/rexnet" doctor --json >"$env/doctor-default.json" 2>"$env/doctor-default.err"
  rc=$?
  cp "$env/doctor-default.json" "$env/doctor.json"
  if [ "$rc" -ne 0 ] && [ -s "$env/cuda-library-folders.txt" ]; then
    # The default search missed something: point REXNET_CUDA_LIBS (and the loader, for NVRTC's
    # builtins and cuBLASLt) at the folders found, for this and every later step.
    local dirs; dirs=$(paste -sd: "$env/cuda-library-folders.txt")
    { echo "export REXNET_CUDA_LIBS='$dirs'"; echo "export LD_LIBRARY_PATH='$dirs'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"; } >"$WORK/env.sh"
    # shellcheck source=/dev/null
    source "$WORK/env.sh"
    "$BIN/rexnet" doctor --json >"$env/doctor.json" 2>"$env/doctor.err"
    rc=$?
    echo "default library search failed; REXNET_CUDA_LIBS=$dirs" >>"$NOTE"
  fi
  "$BIN/rexnet" doctor >"$env/doctor.txt" 2>&1
  local gpu
  # nvidia-smi's name and driver, or (no nvidia-smi: the mock in CI) what the CUDA driver told rexnet doctor.
  gpu=$("$PY" - "$env/gpu.json" "$env/doctor.json" <<'PY' 2>/dev/null
import json, sys
smi = json.load(open(sys.argv[1]))
if "name" in smi:
    print(smi["name"], "driver", smi.get("driver_version", "?"))
else:
    gpus = json.load(open(sys.argv[2])).get("gpus") or []
    print(gpus[0]["name"] if gpus else "no GPU name", "(no nvidia-smi)")
PY
)
  echo "${gpu:-no GPU name}; doctor rc $rc: $(tail -n 1 "$env/doctor.txt")" >>"$NOTE"
  return "$rc"
}
export -f step_env

step_tests() {
  # Only the tests that need a GPU (trait Category=Gpu): emulation, plan and CPU tests run in CI.
  # shellcheck disable=SC2086
  "$BIN/RexNet.Tests" -trait Category=Gpu $TEST_ARGS -noColor -noLogo -reporter verbose \
    -result-ctrf "$RESULTS/tests/results.ctrf.json" -result-xml "$RESULTS/tests/results.xml"
  local rc=$?
  "$PY" "$REF/step_note.py" tests "$RESULTS/tests/results.ctrf.json" >>"$NOTE"
  return "$rc"
}
export -f step_tests

step_cases() {
  local shared_args=() parent
  parent=$(dirname "$REPO")
  # The test suite reads ../shared/parity; make it there when the checkout came without it.
  if [ ! -d "$parent/shared/parity/rexnet_100_b2_224" ] && { [ -w "$parent/shared/parity" ] || mkdir -p "$parent/shared/parity" 2>/dev/null; }; then
    shared_args=(--shared "$parent/shared/parity")
  fi
  if [ -f "$WORK/cases/cases.json" ] && [ "$(grep -c '"model"' "$WORK/cases/cases.json")" -ge 10 ]; then
    echo "cases kept from an earlier run" >"$NOTE"
    [ ${#shared_args[@]} -eq 0 ] && return 0
    "$PY" "$REF/torch_parity.py" "${shared_args[@]}"
    return
  fi
  "$PY" "$REF/torch_parity.py" --out "$WORK/cases" --models "${SEED_MODELS// /,}" --batches 1,8 --size 224 "${shared_args[@]}"
  local rc=$?
  echo "$(grep -c '"model"' "$WORK/cases/cases.json" 2>/dev/null || echo 0) cases; shared cases: ${shared_args[*]:-already present}" >"$NOTE"
  return "$rc"
}
export -f step_cases

step_parity() {
  local cases=$WORK/cases fails=0 model weights input ours
  [ -f "$cases/cases.json" ] || { echo "no cases (the cases step failed)" >"$NOTE"; return 1; }
  cp "$cases/cases.json" "$RESULTS/parity/cases.json"
  while read -r model weights input ours; do
    rm -f "$cases/$ours"
    echo "-- $model $input"
    timeout --foreground -k 5 60 "$BIN/rexnet" run --device cuda --model "$model" --weights "$cases/$weights" \
      --input "$cases/$input" --output "$cases/$ours" || fails=$((fails + 1))
  done < <("$PY" -c 'import json,sys; [print(c["model"], c["weights"], c["input"], c["ours"]) for c in json.load(open(sys.argv[1]))["cases"]]' "$cases/cases.json")
  "$PY" "$REF/parity_compare.py" "$cases/cases.json" "$RESULTS/parity/parity.json"
  local rc=$?
  "$PY" "$REF/step_note.py" parity "$RESULTS/parity/parity.json" >>"$NOTE"
  [ "$fails" -eq 0 ] || echo "; $fails rexnet run failure(s)" >>"$NOTE"
  [ "$fails" -eq 0 ] && return "$rc"
  return 1
}
export -f step_parity

step_bench() {
  local model runs fails=0
  nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader >>"$RESULTS/env/clocks.csv" 2>&1
  for model in $SEED_MODELS; do
    # rexnet_100 at batch 1 is the headline number: most runs there. ~1-5 ms a run keeps every
    # model well inside its 50 s.
    runs=${OUR_RUNS:-500}; [ -z "$OUR_RUNS" ] && [ "$model" = rexnet_100 ] && runs=1000
    echo "-- $model ($runs runs)"
    timeout --foreground -k 5 50 "$BIN/rexnet" bench --device cuda --model "$model" --batch "$BATCHES" --size "$SIZE" \
      --runs "$runs" --warmup "$OUR_WARMUP" --output "$RESULTS/latency/ours_$model.json" || fails=$((fails + 1))
  done
  nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader >>"$RESULTS/env/clocks.csv" 2>&1
  local measured=("$RESULTS"/latency/ours_*.json)
  [ -e "${measured[0]}" ] || measured=()
  echo "${#measured[@]}/$(echo "$SEED_MODELS" | wc -w) models measured" >"$NOTE"
  [ "$fails" -eq 0 ]
}
export -f step_bench

step_torch() {
  "$PY" "$REF/torch_bench.py" --out "$RESULTS/bench/torch_eager.json" --models "${SEED_MODELS// /,}" --batches "$BATCHES" --size "$SIZE" \
    --modes eager,channels_last,cuda_graph,cuda_graph_channels_last --runs "$TORCH_RUNS" --warmup "$TORCH_WARMUP" \
    --deadline-s $((STEP_TIMEOUT - 15))
  local rc=$?
  "$PY" "$REF/step_note.py" cells "$RESULTS/bench/torch_eager.json" >"$NOTE"
  return "$rc"
}
export -f step_torch

# torch.compile takes tens of seconds to minutes per model and batch; each (model, mode) runs in its
# own process so one that overruns loses only itself, and starts no new batch after half of the time
# left, leaving the rest to the next pair. What the budget does not reach is recorded as skipped.
step_compile() {
  local began; began=$(date +%s)
  local model mode left done_cells=0 skipped=""
  for pair in rexnet_100:compile_reduce_overhead rexnet_100:compile_max_autotune \
              rexnet_300:compile_reduce_overhead rexnet_300:compile_max_autotune; do
    model=${pair%%:*}; mode=${pair#*:}
    case " $SEED_MODELS " in *" $model "*) ;; *) continue ;; esac
    left=$((STEP_TIMEOUT - ($(date +%s) - began) - 5))
    local out=$RESULTS/bench/torch_${model}_${mode}.json
    if [ "$left" -lt 45 ]; then
      "$PY" -c 'import json,sys; print(json.dumps({"cells": [{"model": sys.argv[1], "mode": sys.argv[2], "batch": int(b), "skipped": "GPU check budget spent"} for b in sys.argv[3].split(",")]}))' \
        "$model" "$mode" "$BATCHES" >"$out"
      skipped="$skipped $model/$mode"
      continue
    fi
    echo "-- $model $mode (up to ${left}s)"
    timeout --foreground -k 5 "$left" "$PY" "$REF/torch_bench.py" --out "$out" --models "$model" --modes "$mode" \
      --batches "$BATCHES" --size "$SIZE" --runs "$TORCH_RUNS" --warmup "$TORCH_WARMUP" --deadline-s $((left / 2))
    [ -f "$out" ] && done_cells=$((done_cells + $(grep -c '"gpu_ms"' "$out")))
  done
  echo "$done_cells compiled cells measured; not reached:${skipped:- none}" >"$NOTE"
  [ "$done_cells" -gt 0 ]
}
export -f step_compile

step_combine() {
  local ours torch
  ours=$(printf '%s\n' "$RESULTS"/latency/ours_*.json | grep -v '\*' | paste -sd,)
  torch=$(printf '%s\n' "$RESULTS"/bench/torch_*.json | grep -v '\*' | paste -sd,)
  "$PY" "$REF/combine_results.py" --ours "$ours" --torch "$torch" \
    --md "$RESULTS/latency/latency.md" --json "$RESULTS/latency/latency.json"
  local rc=$?
  echo "$(grep -c '^| rexnet' "$RESULTS/latency/latency.md" 2>/dev/null) table rows" >"$NOTE"
  return "$rc"
}
export -f step_combine

# --- the run ------------------------------------------------------------------------------------------
echo "gpu-check: phase $PHASE, budget ${BUDGET}s, steps $STEPS, results in $OUTDIR (details $RESULTS)$([ "$DRY_RUN" = 1 ] && echo '; DRY RUN')"
STEPS="unpack,$STEPS" run_step unpack 90 10 step_unpack
run_step env 60 10 step_env
run_step cases 90 30 step_cases needs-torch
run_step tests 150 20 step_tests
run_step parity 90 20 step_parity needs-torch
run_step bench 120 30 step_bench
run_step torch 90 30 step_torch needs-torch
run_step compile 400 60 step_compile needs-torch
BUDGET=$((BUDGET + 15)) run_step combine 15 3 step_combine
publish
echo "gpu-check: phase $PHASE done in $(($(date +%s) - START))s"
cat "$OUTDIR/summary.md" 2>/dev/null
# Let tee finish writing gpu-check.log before the device tool collects OUTDIR.
exec 1>&- 2>&-
wait "$TEE_PID" 2>/dev/null
exit 0
