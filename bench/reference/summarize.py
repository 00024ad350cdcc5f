"""Writes summary.json and summary.md for bench/gpu-check.sh from what its steps left behind.

Reads RESULTS/steps.jsonl (one line per finished step: name, status, rc, seconds, note) and, where
present, RESULTS/env/doctor.json, RESULTS/tests/results.ctrf.json, RESULTS/parity/parity.json,
RESULTS/latency/latency.json and .md, RESULTS/env/gpu.json. Missing pieces are reported as missing;
this script never fails because a step did.

usage: summarize.py RESULTS OUTDIR
"""
import json
import os
import sys


def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _steps(results):
    steps = []
    try:
        with open(os.path.join(results, "steps.jsonl")) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        steps.append(json.loads(line))
                    except ValueError:
                        steps.append({"name": "?", "status": "unreadable", "note": line[:200]})
    except OSError:
        pass
    return steps


def summarize(results):
    summary = {"steps": _steps(results)}
    gpu = _load(os.path.join(results, "env", "gpu.json"))
    if gpu:
        summary["gpu"] = gpu
    doctor = _load(os.path.join(results, "env", "doctor.json"))
    if doctor:
        summary["doctor"] = {k: doctor.get(k) for k in ("usable", "problem", "driver_version")}
        summary["doctor"]["gpus"] = [g.get("name") for g in doctor.get("gpus", []) or []]
    ctrf = _load(os.path.join(results, "tests", "results.ctrf.json"))
    if ctrf:
        counts = ctrf.get("results", {}).get("summary", {})
        summary["tests"] = {k: counts.get(k) for k in ("tests", "passed", "failed", "skipped")}
        summary["tests"]["failed_names"] = [t.get("name") for t in ctrf.get("results", {}).get("tests", [])
                                            if t.get("status") == "failed"][:50]
    parity = _load(os.path.join(results, "parity", "parity.json"))
    if parity:
        summary["parity"] = {"all_pass": parity.get("all_pass"), "rows": [
            {k: r.get(k) for k in ("model", "batch", "pass", "max_abs_diff", "bound", "error", "timm_gpu_vs_f64_max_abs")}
            for r in parity.get("rows", [])]}
    latency = _load(os.path.join(results, "latency", "latency.json"))
    if latency:
        summary["latency"] = latency.get("rows", [])
    summary["all_pass"] = bool(summary["steps"]) and all(s.get("status") == "pass" for s in summary["steps"])
    summary["dry_run"] = os.environ.get("GPU_CHECK_DRY_RUN") == "1"
    return summary


def _num(value, digits=3):
    return "—" if not isinstance(value, (int, float)) else f"{value:.{digits}g}" if abs(value) < 1e-2 else f"{value:.{digits}f}"


def markdown(summary, results):
    lines = ["# GPU check", ""]
    if summary.get("dry_run"):
        lines += ["**Dry run** (GPU_CHECK_DRY_RUN=1): tiny sizes and counts to check the script itself; no number here is a measurement.", ""]
    gpu = summary.get("gpu") or {}
    if gpu:
        lines.append("; ".join(f"{k}: {v}" for k, v in gpu.items()))
        lines.append("")
    lines += ["| step | status | seconds | note |", "| --- | --- | ---: | --- |"]
    for s in summary["steps"]:
        note = str(s.get("note", "")).replace("|", "/").replace("\n", " ")[:160]
        lines.append(f"| {s.get('name')} | {s.get('status')} | {s.get('seconds', '')} | {note} |")
    lines.append("")
    if "doctor" in summary:
        d = summary["doctor"]
        lines.append(f"doctor: usable={d.get('usable')}, gpus={d.get('gpus')}, problem={d.get('problem')}")
    if "tests" in summary:
        t = summary["tests"]
        lines.append(f"tests: {t.get('tests')} total, {t.get('passed')} passed, {t.get('failed')} failed, {t.get('skipped')} skipped")
        for name in t.get("failed_names", []):
            lines.append(f"- FAILED {name}")
    if "parity" in summary:
        lines += ["", "| parity case | pass | max abs diff | bound | timm GPU f32 vs CPU f64 |", "| --- | --- | ---: | ---: | ---: |"]
        for r in summary["parity"]["rows"]:
            lines.append(f"| {r['model']} b{r['batch']} | {r.get('pass')} | {_num(r.get('max_abs_diff'))} | {_num(r.get('bound'))} | "
                         f"{_num(r.get('timm_gpu_vs_f64_max_abs'))} |" + (f" {r['error']}" if r.get("error") else ""))
    table = os.path.join(results, "latency", "latency.md")
    if os.path.exists(table):
        with open(table) as f:
            lines += ["", "## Latency", "", f.read().rstrip()]
    lines += ["", f"all steps passed: {summary['all_pass']}"]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        print("usage: summarize.py RESULTS OUTDIR", file=sys.stderr)
        return 2
    results, outdir = argv[1], argv[2]
    summary = summarize(results)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write(markdown(summary, results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
