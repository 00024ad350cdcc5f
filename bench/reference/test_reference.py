"""Tests for the pure parts of the GPU-check scripts: plain python3 + numpy, no torch, no GPU.

usage: python3 -m unittest discover -s bench/reference -p 'test_*.py'
With REXNET_CLI set to a `rexnet` executable and ../shared/parity present, it also checks that
the C# engine reads weights written by safetensors_io and gives timm's logits.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import combine_results  # noqa: E402
import parity_compare  # noqa: E402
import safetensors_io  # noqa: E402
import step_note  # noqa: E402
import summarize  # noqa: E402

SHARED_CASE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "parity", "rexnet_100_b2_224")


class SafetensorsTests(unittest.TestCase):
    def test_round_trip_keeps_names_order_dtypes_and_values(self):
        tensors = {"b.weight": np.arange(6, dtype=np.float32).reshape(2, 3),
                   "a.num_batches_tracked": np.array(7, dtype=np.int64),
                   "c": np.array([1.5, -2.0], dtype=np.float64)}
        decoded, metadata = safetensors_io.decode(safetensors_io.encode(tensors, {"format": "pt"}))
        self.assertEqual(list(decoded), ["b.weight", "a.num_batches_tracked", "c"])
        self.assertEqual(metadata, {"format": "pt"})
        for name, value in tensors.items():
            self.assertEqual(decoded[name].dtype, value.dtype)
            self.assertEqual(decoded[name].shape, value.shape)
            np.testing.assert_array_equal(decoded[name], value)

    def test_header_is_padded_to_eight_bytes_and_offsets_are_contiguous(self):
        data = safetensors_io.encode({"x": np.ones(3, np.float32), "y": np.zeros((2, 2), np.float32)})
        length = int.from_bytes(data[:8], "little")
        self.assertEqual(length % 8, 0)
        header = json.loads(data[8:8 + length])
        self.assertEqual(header["x"], {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]})
        self.assertEqual(header["y"]["data_offsets"], [12, 28])
        self.assertEqual(len(data), 8 + length + 28)

    def test_big_endian_input_is_written_little_endian(self):
        decoded, _ = safetensors_io.decode(safetensors_io.encode({"x": np.array([1.0, 2.0], dtype=">f4")}))
        np.testing.assert_array_equal(decoded["x"], [1.0, 2.0])

    def test_rejects_unsupported_dtype_and_reserved_name(self):
        with self.assertRaises(ValueError):
            safetensors_io.encode({"x": np.array([1 + 2j])})
        with self.assertRaises(ValueError):
            safetensors_io.encode({"__metadata__": np.zeros(1, np.float32)})

    def test_rejects_a_byte_range_that_does_not_fit_the_shape(self):
        data = bytearray(safetensors_io.encode({"x": np.ones(4, np.float32)}))
        length = int.from_bytes(data[:8], "little")
        header = data[8:8 + length].decode().replace("[4]", "[5]")
        with self.assertRaises(ValueError):
            safetensors_io.decode(bytes(data[:8]) + header.encode() + bytes(data[8 + length:]))

    @unittest.skipUnless(os.path.isdir(SHARED_CASE), "../shared/parity is absent")
    def test_reads_a_file_the_reference_library_wrote(self):
        tensors, _ = safetensors_io.read(os.path.join(SHARED_CASE, "weights.safetensors"))
        self.assertEqual(tensors["stem.conv.weight"].shape, (32, 3, 3, 3))
        self.assertEqual(tensors["stem.bn.num_batches_tracked"].dtype, np.int64)

    @unittest.skipUnless(os.path.isdir(SHARED_CASE) and os.environ.get("REXNET_CLI"),
                         "needs ../shared/parity and REXNET_CLI (a rexnet executable)")
    def test_the_engine_reads_what_we_write(self):
        tensors, _ = safetensors_io.read(os.path.join(SHARED_CASE, "weights.safetensors"))
        with tempfile.TemporaryDirectory() as tmp:
            weights, out = os.path.join(tmp, "w.safetensors"), os.path.join(tmp, "y.npy")
            safetensors_io.write(weights, tensors, {"format": "pt"})
            subprocess.run([os.environ["REXNET_CLI"], "run", "--device", "cpu", "--model", "rexnet_100", "--weights", weights,
                            "--input", os.path.join(SHARED_CASE, "input.npy"), "--output", out], check=True, capture_output=True)
            row = parity_compare.compare(np.load(out), np.load(os.path.join(SHARED_CASE, "logits.npy")))
            self.assertTrue(row["pass"], row)


class ParityCompareTests(unittest.TestCase):
    def test_within_bound_passes_and_reports_the_worst_index(self):
        ref = np.array([[0.5, -2.0, 0.1]], np.float32)
        ours = ref.copy()
        ours[0, 1] += 1.5e-5
        row = parity_compare.compare(ours, ref)
        self.assertTrue(row["pass"])
        self.assertEqual(row["worst_index"], [0, 1])
        self.assertAlmostEqual(row["bound"], 2e-5)
        self.assertEqual(row["top1_agree"], 1.0)

    def test_bound_is_absolute_below_one(self):
        ref = np.array([[0.01, 0.02]], np.float32)
        self.assertFalse(parity_compare.compare(ref + 2e-5, ref)["pass"])
        self.assertTrue(parity_compare.compare(ref + 0.5e-5, ref)["pass"])

    def test_shape_mismatch_and_nan_fail_with_a_reason(self):
        ref = np.zeros((2, 3), np.float32)
        self.assertIn("shape", parity_compare.compare(np.zeros((3, 2)), ref)["error"])
        bad = ref.copy()
        bad[1, 2] = np.nan
        row = parity_compare.compare(bad, ref)
        self.assertFalse(row["pass"])
        self.assertIn("non-finite", row["error"])

    def test_cases_without_engine_output_fail(self):
        with tempfile.TemporaryDirectory() as tmp:
            np.save(os.path.join(tmp, "ref.npy"), np.ones((1, 4), np.float32))
            np.save(os.path.join(tmp, "ours.npy"), np.ones((1, 4), np.float32))
            cases = [{"model": "m", "batch": 1, "ref_f32_gpu": "ref.npy", "ours": "ours.npy"},
                     {"model": "m", "batch": 8, "ref_f32_gpu": "ref.npy", "ours": "missing.npy"}]
            rows = parity_compare.compare_cases(cases, tmp)
        self.assertTrue(rows[0]["pass"])
        self.assertFalse(rows[1]["pass"])
        self.assertIn("no engine output", rows[1]["error"])


class CombineTests(unittest.TestCase):
    OURS = {"model": "rexnet_100", "results": [
        {"batch": 1, "gpu_ms": {"p50": 0.5, "p90": 0.6, "p99": 0.7}, "caller_ms": {"p50": 0.6}, "device_ops": 51},
        {"batch": 8, "gpu_ms": {"p50_ms": 1.0}, "caller_ms": {"p50_ms": 1.2}}], "device_info": {"name": "H100"}}
    TORCH = {"environment": {"gpu": "H100", "torch": "2.11"}, "cells": [
        {"model": "rexnet_100", "mode": "eager", "batch": 1, "gpu_ms": {"p50": 3.0}, "wall_ms": {"p50": 3.2}},
        {"model": "rexnet_100", "mode": "cuda_graph", "batch": 1, "gpu_ms": {"p50": 1.0}, "wall_ms": {"p50": 1.1}},
        {"model": "rexnet_100", "mode": "compile_max_autotune", "batch": 8, "skipped": "deadline"}]}

    def test_best_pytorch_configuration_and_ratios(self):
        rows, skipped = combine_results.combine([self.OURS], [self.TORCH])
        first = rows[0]
        self.assertEqual((first["model"], first["batch"]), ("rexnet_100", 1))
        self.assertEqual(first["torch_best_mode"], "cuda_graph")
        self.assertAlmostEqual(first["ratio_gpu"], 2.0)
        self.assertAlmostEqual(first["ratio_caller"], 1.1 / 0.6)
        self.assertEqual(first["v100_tensorrt_fp32_ms"], 3.08)
        self.assertEqual(first["ours_device_ops"], 51)
        self.assertEqual(rows[1]["ours_caller_p50_ms"], 1.2)
        self.assertIsNone(rows[1]["ratio_gpu"])
        self.assertEqual(len(skipped), 1)

    def test_cpu_layout_is_read_as_caller_time(self):
        rows = combine_results.ours_rows({"model": "rexnet_130", "results": [{"batch": 4, "p50_ms": 9.0}]})
        self.assertEqual(rows[("rexnet_130", 4)], {"gpu_p50": None, "caller_p50": 9.0, "device_ops": None})

    def test_batches_may_be_listed_under_batches(self):
        rows = combine_results.ours_rows({"model": "rexnet_150", "batches": [{"batch": 1, "gpu_ms": {"p50": 2.0}, "caller_ms": {"p50": 2.5}}]})
        self.assertEqual(rows[("rexnet_150", 1)], {"gpu_p50": 2.0, "caller_p50": 2.5, "device_ops": None})

    def test_markdown_has_a_row_per_cell_and_names_what_was_skipped(self):
        rows, skipped = combine_results.combine([self.OURS], [self.TORCH])
        text = combine_results.markdown(rows, skipped, self.TORCH["environment"])
        self.assertEqual(sum(line.startswith("| rexnet_100 |") for line in text.splitlines()), 2)
        self.assertIn("compile_max_autotune b8 (deadline)", text)
        self.assertIn("V100 TensorRT FP32", text)
        self.assertIn("| 51 |", text)

    def test_seed_table_covers_every_seed_model_and_batch(self):
        for model in ["rexnet_100", "rexnet_130", "rexnet_150", "rexnet_200", "rexnet_300"]:
            self.assertEqual(sorted(combine_results.V100_TENSORRT_FP32_MS[model]), [1, 4, 8])


class SummaryTests(unittest.TestCase):
    def test_summary_reports_steps_tests_and_parity(self):
        with tempfile.TemporaryDirectory() as tmp:
            results = os.path.join(tmp, "results")
            for sub in ("tests", "parity", "env"):
                os.makedirs(os.path.join(results, sub))
            with open(os.path.join(results, "steps.jsonl"), "w") as f:
                f.write(json.dumps({"name": "env", "status": "pass", "rc": 0, "seconds": 3, "note": "ok"}) + "\n")
                f.write(json.dumps({"name": "tests", "status": "fail", "rc": 1, "seconds": 9, "note": "a|b"}) + "\n")
            ctrf = {"results": {"summary": {"tests": 3, "passed": 1, "failed": 1, "skipped": 1},
                                "tests": [{"name": "T.broken", "status": "failed"}, {"name": "T.ok", "status": "passed"}]}}
            with open(os.path.join(results, "tests", "results.ctrf.json"), "w") as f:
                json.dump(ctrf, f)
            with open(os.path.join(results, "parity", "parity.json"), "w") as f:
                json.dump({"all_pass": True, "rows": [{"model": "rexnet_100", "batch": 1, "pass": True, "max_abs_diff": 1e-7, "bound": 1e-5}]}, f)
            self.assertEqual(summarize.main(["summarize.py", results, tmp]), 0)
            with open(os.path.join(tmp, "summary.json")) as f:
                summary = json.load(f)
            with open(os.path.join(tmp, "summary.md")) as f:
                text = f.read()
        self.assertFalse(summary["all_pass"])
        self.assertEqual(summary["tests"]["failed_names"], ["T.broken"])
        self.assertIn("| tests | fail | 9 | a/b |", text)
        self.assertIn("FAILED T.broken", text)
        self.assertIn("| rexnet_100 b1 | True |", text)

    def test_step_notes(self):
        self.assertEqual(step_note.note("cells", {"cells": [{"gpu_ms": {}}, {"skipped": "x"}]}), "1/2 cells measured")
        self.assertEqual(step_note.note("tests", {"results": {"summary": {"tests": 4, "passed": 2, "failed": 1, "skipped": 1}}}),
                         "4 tests: 2 passed, 1 failed, 1 skipped")
        self.assertIn("1/1 cases", step_note.note("parity", {"rows": [{"pass": True, "max_abs_diff": 2e-7}]}))


if __name__ == "__main__":
    unittest.main()
