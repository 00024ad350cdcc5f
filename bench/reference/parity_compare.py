"""Compares `rexnet run` logits with timm's, one row per (model, batch).

Pure numpy, so it is unit-tested here. The bound is the project's float32 parity bound:
max|a-b| <= 1e-5 * max(1, max|ref|).

usage: parity_compare.py CASES_JSON OUTPUT_JSON
CASES_JSON is what torch_parity.py wrote; each case's `ours` file is the engine's output.
"""
import json
import math
import os
import sys

import numpy as np

RELATIVE_BOUND = 1e-5


def bound(reference):
    return RELATIVE_BOUND * max(1.0, float(np.max(np.abs(reference))))


def compare(ours, reference):
    """One row of numbers for an engine output against a reference (both [batch, classes])."""
    ours = np.asarray(ours, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if ours.shape != reference.shape:
        return {"pass": False, "error": f"shape {list(ours.shape)} != reference {list(reference.shape)}"}
    if not np.all(np.isfinite(ours)):
        return {"pass": False, "error": f"{int(np.sum(~np.isfinite(ours)))} non-finite values"}
    diff = np.abs(ours - reference)
    limit = bound(reference)
    flat = int(np.argmax(diff))
    max_abs = float(diff.flat[flat])
    ref_norm = float(np.linalg.norm(reference))
    return {
        "pass": bool(max_abs <= limit),
        "max_abs_diff": max_abs,
        "bound": limit,
        "max_abs_ref": float(np.max(np.abs(reference))),
        "worst_index": [int(i) for i in np.unravel_index(flat, diff.shape)],
        "relative_l2": float(np.linalg.norm(ours - reference) / ref_norm) if ref_norm > 0 else math.inf,
        "top1_agree": float(np.mean(np.argmax(ours, axis=1) == np.argmax(reference, axis=1))),
    }


def compare_cases(cases, root):
    rows = []
    for case in cases:
        row = {"model": case["model"], "batch": case["batch"]}
        ours_path = os.path.join(root, case["ours"])
        if not os.path.exists(ours_path):
            row.update({"pass": False, "error": "no engine output (rexnet run failed or was skipped)"})
        else:
            try:
                ours = np.load(ours_path)
                row.update(compare(ours, np.load(os.path.join(root, case["ref_f32_gpu"]))))
                if case.get("ref_f64_cpu"):
                    f64 = np.load(os.path.join(root, case["ref_f64_cpu"]))
                    row["max_abs_diff_vs_f64_cpu"] = float(np.max(np.abs(ours.astype(np.float64) - f64)))
            except (OSError, ValueError) as e:
                row.update({"pass": False, "error": f"cannot read: {e}"})
        for key in ("timm_gpu_vs_f64_max_abs", "timm_gpu_vs_f64_bound"):
            if key in case:
                row[key] = case[key]
        rows.append(row)
    return rows


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        manifest = json.load(f)
    rows = compare_cases(manifest["cases"], os.path.dirname(os.path.abspath(argv[1])))
    result = {"bound": "max|a-b| <= 1e-5 * max(1, max|ref|)", "reference": "timm float32 on the GPU, TF32 off",
              "all_pass": bool(rows) and all(r["pass"] for r in rows), "rows": rows}
    with open(argv[2], "w") as f:
        json.dump(result, f, indent=2)
    for r in rows:
        verdict = "PASS" if r["pass"] else "FAIL"
        detail = r.get("error") or f"max|a-b| {r['max_abs_diff']:.3e} <= {r['bound']:.3e}?"
        print(f"{verdict} {r['model']} b{r['batch']}: {detail}")
    return 0 if result["all_pass"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
