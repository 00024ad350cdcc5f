"""Makes parity cases with timm on the GPU machine (the ../shared cases do not travel there).

For each model: timm's ReXNet with random weights and randomised BatchNorm statistics and affine
parameters (so BatchNorm folding is really exercised), its state_dict saved as safetensors (timm
names, float32, num_batches_tracked as I64 scalars), inputs at each batch size saved as .npy, and
timm's logits in float32 on the GPU with TF32 off (the reference) and in float64 on the CPU (to
show how far timm itself drifts).

With --shared DIR it also writes the test suite's own cases (../shared/parity layout, see
shared/parity/README.md) into DIR where they are missing, so the GPU tests that read them run.

usage: torch_parity.py --out DIR [--models a,b] [--batches 1,8] [--size 224] [--shared DIR]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

SEED_MODELS = ["rexnet_100", "rexnet_130", "rexnet_150", "rexnet_200", "rexnet_300"]


def exact_float32():
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.set_float32_matmul_precision("highest")


def random_model(name, seed):
    torch.manual_seed(seed)
    model = timm.create_model(name, pretrained=False, num_classes=1000).eval()
    generator = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                n = module.num_features
                module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)
                module.weight.copy_(torch.rand(n, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(n, generator=generator) * 0.1)
    return model


def state_dict_arrays(model):
    arrays = {}
    for key, value in model.state_dict().items():
        value = value.detach().cpu()
        arrays[key] = value.numpy().astype(np.int64) if key.endswith("num_batches_tracked") else value.float().numpy()
    return arrays


def logits_f32_gpu(model, x):
    gpu = copy.deepcopy(model).cuda().float().eval()
    with torch.no_grad():
        out = gpu(x.cuda()).float().cpu().numpy()
    del gpu
    torch.cuda.empty_cache()
    return out


def logits_f64_cpu(model, x):
    cpu = copy.deepcopy(model).cpu().double().eval()
    with torch.no_grad():
        return cpu(x.double()).numpy()


def write_engine_cases(args):
    os.makedirs(os.path.join(args.out, "weights"), exist_ok=True)
    manifest = {"torch": torch.__version__, "timm": timm.__version__, "cuda": torch.version.cuda,
                "gpu": torch.cuda.get_device_name(0), "size": args.size, "cases": []}
    for index, name in enumerate(args.models):
        started = time.time()
        model = random_model(name, seed=1000 + index)
        weights = os.path.join("weights", f"{name}.safetensors")
        safetensors_io.write(os.path.join(args.out, weights), state_dict_arrays(model), {"format": "pt"})
        for batch in args.batches:
            case = f"{name}_b{batch}"
            os.makedirs(os.path.join(args.out, case), exist_ok=True)
            x = torch.randn(batch, 3, args.size, args.size, generator=torch.Generator().manual_seed(7 * index + batch))
            np.save(os.path.join(args.out, case, "input.npy"), x.numpy().astype(np.float32))
            ref = logits_f32_gpu(model, x)
            f64 = logits_f64_cpu(model, x)
            np.save(os.path.join(args.out, case, "ref_f32_gpu.npy"), ref)
            np.save(os.path.join(args.out, case, "ref_f64_cpu.npy"), f64)
            manifest["cases"].append({
                "model": name, "batch": batch, "weights": weights,
                "input": f"{case}/input.npy", "ref_f32_gpu": f"{case}/ref_f32_gpu.npy",
                "ref_f64_cpu": f"{case}/ref_f64_cpu.npy", "ours": f"{case}/ours.npy",
                "timm_gpu_vs_f64_max_abs": float(np.max(np.abs(ref.astype(np.float64) - f64))),
                "timm_gpu_vs_f64_bound": 1e-5 * max(1.0, float(np.max(np.abs(f64)))),
                "max_abs_logit": float(np.max(np.abs(ref))),
            })
        # Rewritten after every model so a timeout still leaves a usable manifest.
        with open(os.path.join(args.out, "cases.json"), "w") as f:
            json.dump(manifest, f, indent=2)
        print(f"{name}: cases for batches {args.batches} in {time.time() - started:.1f}s", flush=True)


def activations(model, x):
    """timm's stem, each features.i, the pooled features and the logits, as the test suite reads them."""
    captured = {}
    hooks = [model.stem.register_forward_hook(lambda m, i, o: captured.__setitem__("stem", o))]
    for i, block in enumerate(model.features):
        hooks.append(block.register_forward_hook(lambda m, inp, o, i=i: captured.__setitem__(f"features.{i}", o)))
    pool = getattr(model.head, "global_pool", None)
    if pool is not None:
        hooks.append(pool.register_forward_hook(lambda m, i, o: captured.__setitem__("pool", o)))
    with torch.no_grad():
        logits = model(x)
    for h in hooks:
        h.remove()
    if "pool" not in captured:  # a timm without head.global_pool: the average of the last features
        captured["pool"] = captured[f"features.{len(model.features) - 1}"].mean(dim=(2, 3))
    captured["pool"] = captured["pool"].reshape(x.shape[0], -1)
    captured["logits"] = logits
    return {k: v.detach().float().cpu().numpy() for k, v in captured.items()}


def write_shared_cases(root):
    """The two cases shared/parity/README.md describes, made on the CPU in float32 like the originals."""
    for name, batch, height, width in [("rexnet_100", 2, 224, 224), ("rexnetr_100", 1, 192, 160)]:
        folder = os.path.join(root, f"{name}_b{batch}_{height}x{width}" if height != width else f"{name}_b{batch}_{height}")
        if os.path.exists(os.path.join(folder, "activations.safetensors")):
            continue
        os.makedirs(folder, exist_ok=True)
        model = random_model(name, seed=42)
        x = torch.randn(batch, 3, height, width, generator=torch.Generator().manual_seed(3))
        acts = activations(model, x)
        safetensors_io.write(os.path.join(folder, "weights.safetensors"), state_dict_arrays(model), {"format": "pt"})
        safetensors_io.write(os.path.join(folder, "activations.safetensors"), acts)
        np.save(os.path.join(folder, "input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(folder, "logits.npy"), acts["logits"])
        with open(os.path.join(folder, "case.json"), "w") as f:
            json.dump({"model": name, "batch": batch, "height": height, "width": width,
                       "made_by": "bench/reference/torch_parity.py on the GPU machine"}, f, indent=1)
        print(f"shared case {folder}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out")
    parser.add_argument("--models", default=",".join(SEED_MODELS))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--shared")
    args = parser.parse_args()
    args.models = [m for m in args.models.split(",") if m]
    args.batches = [int(b) for b in args.batches.split(",") if b]
    exact_float32()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if args.shared:
        write_shared_cases(args.shared)
    if args.out:
        if not torch.cuda.is_available():
            print("torch_parity: no CUDA device visible to PyTorch", file=sys.stderr)
            return 1
        write_engine_cases(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
