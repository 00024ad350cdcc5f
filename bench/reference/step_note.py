"""Prints the one-line note bench/gpu-check.sh records for a step, read from the step's output file.

usage: step_note.py tests|parity|cells FILE
"""
import json
import sys


def note(kind, data):
    if kind == "tests":
        s = data["results"]["summary"]
        return f"{s['tests']} tests: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped"
    if kind == "parity":
        rows = data["rows"]
        worst = max((r.get("max_abs_diff", 0.0) for r in rows), default=0.0)
        return f"{sum(bool(r['pass']) for r in rows)}/{len(rows)} cases within bound; worst max|a-b| {worst:.3g}"
    if kind == "cells":
        cells = data["cells"]
        return f"{sum('gpu_ms' in c for c in cells)}/{len(cells)} cells measured"
    raise ValueError(f"unknown kind {kind}")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        with open(argv[2]) as f:
            print(note(argv[1], json.load(f)))
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"no readable {argv[1]} results ({type(e).__name__})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
