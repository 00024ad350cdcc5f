"""Builds the latency table: our engine against the best PyTorch configuration on the same GPU.

Inputs: the JSON files `rexnet bench --device cuda --output FILE.json` wrote (one per model) and the JSON
files torch_bench.py wrote. Output: a markdown table and the same rows as JSON. Per (model, batch):
our GPU p50 (CUDA events) and caller p50 (host clock around copy in, run, copy out), our device ops
per inference (kernel launches and library calls, copies excluded), the fastest
PyTorch configuration by GPU p50 and its name, the ratio PyTorch/ours (above 1 means ours is
faster), and the seed's TensorRT FP32 numbers, measured on a V100, another GPU: a reference only.

usage: combine_results.py --ours F1.json,F2.json --torch T1.json,T2.json --md OUT.md --json OUT.json
"""
import argparse
import json
import os
import sys

# The seed's (PaddleClas ReXNet.md) latency table: V100, TensorRT, FP32, 224x224, milliseconds.
V100_TENSORRT_FP32_MS = {
    "rexnet_100": {1: 3.08, 4: 4.15, 8: 5.49},
    "rexnet_130": {1: 3.54, 4: 4.87, 8: 6.54},
    "rexnet_150": {1: 3.68, 4: 5.31, 8: 7.38},
    "rexnet_200": {1: 4.30, 4: 6.54, 8: 9.19},
    "rexnet_300": {1: 5.74, 4: 9.49, 8: 13.62},
}


def _p50(stats):
    """p50 from {"p50": x} or {"p50_ms": x}; None when absent."""
    if not isinstance(stats, dict):
        return None
    for key in ("p50", "p50_ms"):
        if isinstance(stats.get(key), (int, float)):
            return float(stats[key])
    return None


def ours_rows(report):
    """(model, batch) -> {"gpu_p50", "caller_p50", "device_ops"} from one `rexnet bench` JSON report (device ops are
    the report's, or a row's in older reports)."""
    model = report.get("model")
    rows = {}
    for entry in report.get("results") or report.get("batches") or []:
        batch = entry.get("batch")
        if model is None or batch is None:
            continue
        gpu = _p50(entry.get("gpu_ms"))
        caller = _p50(entry.get("caller_ms"))
        if caller is None and isinstance(entry.get("p50_ms"), (int, float)):
            caller = float(entry["p50_ms"])  # the CPU path's flat layout
        rows[(model, int(batch))] = {"gpu_p50": gpu, "caller_p50": caller, "device_ops": entry.get("device_ops", report.get("device_ops"))}
    return rows


def torch_best(cells):
    """(model, batch) -> the fastest configuration by GPU p50, with its wall p50."""
    best = {}
    for cell in cells:
        gpu = _p50(cell.get("gpu_ms"))
        if gpu is None:
            continue
        key = (cell["model"], int(cell["batch"]))
        if key not in best or gpu < best[key]["gpu_p50"]:
            best[key] = {"gpu_p50": gpu, "wall_p50": _p50(cell.get("wall_ms")), "mode": cell["mode"]}
    return best


def combine(ours_reports, torch_reports):
    ours = {}
    for report in ours_reports:
        ours.update(ours_rows(report))
    cells = [c for r in torch_reports for c in r.get("cells", [])]
    best = torch_best(cells)
    keys = sorted(set(ours) | set(best), key=lambda k: (k[0], k[1]))
    rows = []
    for model, batch in keys:
        o = ours.get((model, batch), {})
        b = best.get((model, batch), {})
        gpu, torch_gpu = o.get("gpu_p50"), b.get("gpu_p50")
        caller, torch_wall = o.get("caller_p50"), b.get("wall_p50")
        rows.append({
            "model": model, "batch": batch,
            "ours_gpu_p50_ms": gpu, "ours_caller_p50_ms": caller, "ours_device_ops": o.get("device_ops"),
            "torch_best_mode": b.get("mode"), "torch_best_gpu_p50_ms": torch_gpu, "torch_best_wall_p50_ms": torch_wall,
            "ratio_gpu": torch_gpu / gpu if gpu and torch_gpu else None,
            "ratio_caller": torch_wall / caller if caller and torch_wall else None,
            "v100_tensorrt_fp32_ms": V100_TENSORRT_FP32_MS.get(model, {}).get(batch),
        })
    skipped = [c for c in cells if "skipped" in c or "error" in c]
    return rows, skipped


def _fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(rows, skipped, environment=None):
    lines = []
    if environment:
        lines.append(f"GPU: {environment.get('gpu', '?')}; PyTorch {environment.get('torch', '?')}, timm "
                     f"{environment.get('timm', '?')}, CUDA {environment.get('cuda', '?')}, cuDNN {environment.get('cudnn', '?')}; "
                     "float32, TF32 off, 224x224.")
        lines.append("")
    lines.append("| model | batch | ours GPU p50 ms | ours caller p50 ms | our device ops | best PyTorch | PyTorch GPU p50 ms | "
                 "PyTorch wall p50 ms | PyTorch/ours (GPU) | PyTorch/ours (caller) | V100 TensorRT FP32 ms (other GPU) |")
    lines.append("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        ops = r.get("ours_device_ops")
        lines.append(f"| {r['model']} | {r['batch']} | {_fmt(r['ours_gpu_p50_ms'])} | {_fmt(r['ours_caller_p50_ms'])} | {ops if ops is not None else '—'} | "
                     f"{r['torch_best_mode'] or '—'} | {_fmt(r['torch_best_gpu_p50_ms'])} | {_fmt(r['torch_best_wall_p50_ms'])} | "
                     f"{_fmt(r['ratio_gpu'], 2)} | {_fmt(r['ratio_caller'], 2)} | {_fmt(r['v100_tensorrt_fp32_ms'], 2)} |")
    lines.append("")
    lines.append("Ratios above 1 mean our engine is faster. GPU times are CUDA events around the work; caller/wall "
                 "times are the host clock around one call including synchronisation. The V100 column is the seed's "
                 "TensorRT FP32 table from another GPU, for orientation only.")
    if skipped:
        lines.append("")
        lines.append("PyTorch cells not measured: " + "; ".join(
            f"{c['model']} {c['mode']} b{c['batch']} ({c.get('skipped') or c.get('error')})" for c in skipped))
    return "\n".join(lines) + "\n"


def _load(paths):
    reports = []
    for path in paths:
        try:
            with open(path) as f:
                reports.append(json.load(f))
        except (OSError, ValueError) as e:
            print(f"combine_results: skipping {path}: {e}", file=sys.stderr)
    return reports


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ours", default="")
    parser.add_argument("--torch", default="")
    parser.add_argument("--md", required=True)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    ours = _load([p for p in args.ours.split(",") if p and os.path.exists(p)])
    torch_reports = _load([p for p in args.torch.split(",") if p and os.path.exists(p)])
    rows, skipped = combine(ours, torch_reports)
    environment = next((r["environment"] for r in torch_reports if "environment" in r), None)
    with open(args.md, "w") as f:
        f.write(markdown(rows, skipped, environment))
    device_info = next((r.get("device_info") for r in ours if r.get("device_info")), None)
    with open(args.json, "w") as f:
        json.dump({"rows": rows, "torch_not_measured": skipped, "torch_environment": environment,
                   "ours_device_info": device_info}, f, indent=2)
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
