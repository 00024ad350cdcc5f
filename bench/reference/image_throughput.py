#!/usr/bin/python3
"""Decode + timm preprocessing throughput: PIL + timm's eval transform against RexNet, image by image.

    image_throughput.py --rexnet "dotnet .../RexNet.Benchmarks.dll images" --rounds 3 --seconds 1 OUT_FOLDER FILE...

Two long-lived workers, this script itself with --worker (PIL) and RexNet.Benchmarks' `images` mode, each
answer "SECONDS PATH" with the median time of one decode + preprocess after three untimed calls. They are
asked in turn for every file of every round (who goes first alternates), so both see the same load on a
shared machine. Writes OUT/runs.jsonl (every answer) and OUT/summary.md.

PIL's side is the transform tests/RexNet.Tests/Imaging/PilReference/make_reference.py writes out
(torchvision's Resize/CenterCrop/ToTensor/Normalize as the same PIL calls and float32 arithmetic) at
224 / 0.875, after Image.open(f).convert('RGB') as timm's dataset loads files. torch is not needed: its
tensor steps are the same numpy float32 operations, which cost about as much.
"""
import argparse
import importlib.util
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def load_transform():
    spec = importlib.util.spec_from_file_location(
        "make_reference", os.path.join(HERE, "..", "..", "tests", "RexNet.Tests", "Imaging", "PilReference", "make_reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SIZE, module.CROP_PCT = 224, 0.875
    return module.timm_eval


def worker():
    timm_eval = load_transform()

    def preprocess(path):
        with open(path, "rb") as f:
            return timm_eval(Image.open(f).convert("RGB"))

    for line in sys.stdin:
        seconds, path = line.rstrip("\n").split(" ", 1)
        for _ in range(3):
            preprocess(path)
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < float(seconds) or len(times) < 5:
            t = time.perf_counter()
            preprocess(path)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(json.dumps({"runs": len(times), "median_ms": times[len(times) // 2]}), flush=True)


def ask(process, seconds, path):
    process.stdin.write(f"{seconds} {path}\n")
    process.stdin.flush()
    line = process.stdout.readline()
    if not line:
        sys.exit(f"image_throughput: a worker stopped answering at {path}")
    return json.loads(line)


def describe(path):
    with Image.open(path) as im:
        progressive = " progressive" if im.info.get("progressive") else ""
        return f"{im.size[0]}x{im.size[1]} {im.format}{progressive} {im.mode}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--summarize", action="store_true", help="only rewrite OUT/summary.md from OUT/runs.jsonl")
    parser.add_argument("--rexnet")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("out", nargs="?")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if args.worker:
        return worker()
    if args.summarize:
        return summarize(args.out, args.files, args.rounds, args.seconds)

    pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    workers = {
        "pil": subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker"], **pipes),
        "rexnet": subprocess.Popen(shlex.split(args.rexnet), **pipes),
    }
    with open(os.path.join(args.out, "runs.jsonl"), "w") as log:
        for round_ in range(args.rounds):
            order = ["pil", "rexnet"] if round_ % 2 == 0 else ["rexnet", "pil"]
            for path in args.files:
                for side in order:
                    r = ask(workers[side], args.seconds, path)
                    r.update(side=side, round=round_ + 1, file=os.path.basename(path))
                    log.write(json.dumps(r) + "\n")
    for w in workers.values():
        w.stdin.close()
        w.wait()

    summarize(args.out, args.files, args.rounds, args.seconds)


def summarize(out, files, rounds, seconds):
    """OUT/summary.md from OUT/runs.jsonl: per file the median over rounds of each side's time, the median of the
    per-round ratios (each round's two answers came within seconds of each other, under the same load) and
    their spread, which shows how much the machine's load moved the numbers."""
    runs = [json.loads(line) for line in open(os.path.join(out, "runs.jsonl"))]

    def times(side, name):
        return {r["round"]: r["median_ms"] for r in runs if r["side"] == side and r["file"] == name}

    lines = ["| image | kind | PIL + timm transform | RexNet | PIL / RexNet (median of rounds) | per-round range |",
             "| --- | --- | --- | --- | --- | --- |"]
    means = {"pil": [], "rexnet": []}
    for path in files:
        name = os.path.basename(path)
        pil, ours = times("pil", name), times("rexnet", name)
        ratios = [pil[r] / ours[r] for r in pil]
        p, o = statistics.median(pil.values()), statistics.median(ours.values())
        if "4032" not in name:
            means["pil"].append(p)
            means["rexnet"].append(o)
        lines.append(f"| {name} | {describe(path)} | {p:.2f} ms | {o:.2f} ms | {statistics.median(ratios):.2f} | {min(ratios):.2f}-{max(ratios):.2f} |")
    p, o = statistics.mean(means["pil"]), statistics.mean(means["rexnet"])
    lines.append(f"| mean time of all but the 12 MP photo | | {p:.2f} ms | {o:.2f} ms | {p / o:.2f} | |")
    lines.append("")
    lines.append(f"Each time is the median over {rounds} rounds of each worker's median per call "
                 f"(at least {seconds:g} s of calls per file and round); one thread each.")
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))

if __name__ == "__main__":
    main()
