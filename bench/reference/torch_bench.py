"""PyTorch baselines for the latency table: timm's ReXNet in float32 on the same GPU as our engine.

Configurations (--modes):
  eager                     eager mode, cudnn.benchmark on
  channels_last             eager, model and input in channels-last
  cuda_graph                the eager model captured once into a CUDA graph, replayed
  cuda_graph_channels_last  the same in channels-last
  compile_max_autotune      torch.compile(mode="max-autotune")
  compile_reduce_overhead   torch.compile(mode="reduce-overhead")
TF32 is off everywhere. Each run is timed with CUDA events around the call (gpu_ms) and with the
host clock around call plus synchronisation (wall_ms), one synchronisation per run as a caller
would see it; p50/p90/p99 over --runs runs after --warmup. Weights are random (timing does not
depend on them). The JSON file is rewritten after every cell, so a timeout keeps what finished;
cells not reached before --deadline-s are recorded as skipped.

usage: torch_bench.py --out FILE [--models ...] [--batches 1,4,8] [--modes ...] [--runs N] [--warmup N]
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch
import timm

MODES = ["eager", "channels_last", "cuda_graph", "cuda_graph_channels_last",
         "compile_max_autotune", "compile_reduce_overhead"]


def percentiles(samples):
    values = np.sort(np.asarray(samples, dtype=np.float64))
    n = len(values)

    def p(q):
        return float(values[min(n - 1, int(np.ceil(q * n)) - 1)])
    return {"p50": p(0.50), "p90": p(0.90), "p99": p(0.99), "mean": float(values.mean()), "min": float(values[0])}


def make_runner(model, x, mode):
    """Returns (call, setup_seconds): a function that runs one inference for this configuration."""
    started = time.perf_counter()
    if mode in ("channels_last", "cuda_graph_channels_last"):
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if mode in ("eager", "channels_last"):
        return (lambda: model(x)), 0.0
    if mode.startswith("cuda_graph"):
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                model(x)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            model(x)
        torch.cuda.synchronize()
        return graph.replay, time.perf_counter() - started
    compile_mode = {"compile_max_autotune": "max-autotune", "compile_reduce_overhead": "reduce-overhead"}[mode]
    torch._dynamo.reset()  # each cell compiles afresh instead of piling up recompilations
    compiled = torch.compile(model, mode=compile_mode, dynamic=False)

    def call():
        # Both modes replay CUDA graph trees: mark each run as a new step so outputs may be reused.
        torch.compiler.cudagraph_mark_step_begin()
        return compiled(x)
    for _ in range(3):
        call()
    torch.cuda.synchronize()
    return call, time.perf_counter() - started


def time_cell(call, runs, warmup):
    for _ in range(warmup):
        call()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    gpu, wall = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        start.record()
        call()
        end.record()
        end.synchronize()
        wall.append((time.perf_counter() - t0) * 1e3)
        gpu.append(start.elapsed_time(end))
    return percentiles(gpu), percentiles(wall)


def environment():
    props = torch.cuda.get_device_properties(0)
    return {"torch": torch.__version__, "timm": timm.__version__, "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version(), "gpu": props.name,
            "multiprocessors": props.multi_processor_count, "memory_bytes": props.total_memory,
            "tf32": False, "cudnn_benchmark": True}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", default="rexnet_100,rexnet_130,rexnet_150,rexnet_200,rexnet_300")
    parser.add_argument("--batches", default="1,4,8")
    parser.add_argument("--modes", default="eager,channels_last,cuda_graph,cuda_graph_channels_last")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--deadline-s", type=float, default=float("inf"),
                        help="seconds from start after which no new cell is begun")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        print(f"torch_bench: unknown mode(s) {unknown}; known: {MODES}", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("torch_bench: no CUDA device visible to PyTorch", file=sys.stderr)
        return 1
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    torch.set_float32_matmul_precision("highest")
    began = time.time()
    report = {"environment": environment(), "size": args.size, "runs": args.runs, "warmup": args.warmup, "cells": []}

    def save():
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(report, f, indent=2)
        os.replace(tmp, args.out)

    models = [m for m in args.models.split(",") if m]
    batches = [int(b) for b in args.batches.split(",") if b]
    base_models = {}
    # Mode by mode, so a deadline cuts the last configuration of every model rather than the last models.
    for mode in modes:
        for name in models:
            for batch in batches:
                cell = {"model": name, "mode": mode, "batch": batch}
                report["cells"].append(cell)
                if time.time() - began > args.deadline_s:
                    cell["skipped"] = f"deadline of {args.deadline_s:.0f}s reached"
                    save()
                    continue
                # Saved before the work: a cell killed by the step's timeout still says so.
                cell["error"] = "did not finish before the step's timeout"
                save()
                model = x = call = None
                try:
                    if name not in base_models:
                        torch.manual_seed(0)
                        base_models[name] = timm.create_model(name, pretrained=False).eval()
                    model = copy.deepcopy(base_models[name]).cuda().eval()
                    x = torch.randn(batch, 3, args.size, args.size, device="cuda")
                    with torch.inference_mode():
                        call, setup_s = make_runner(model, x, mode)
                        gpu, wall = time_cell(call, args.runs, args.warmup)
                    del cell["error"]
                    cell.update({"gpu_ms": gpu, "wall_ms": wall, "setup_s": setup_s})
                    print(f"{name} {mode:26s} b{batch}: gpu p50 {gpu['p50']:.3f} ms, wall p50 {wall['p50']:.3f} ms"
                          + (f" (setup {setup_s:.1f}s)" if setup_s else ""), flush=True)
                except Exception as e:  # one broken configuration must not lose the others
                    cell["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:500]
                    print(f"{name} {mode} b{batch}: {cell['error']}", flush=True)
                finally:
                    model = x = call = None
                    torch.cuda.empty_cache()
                save()
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
