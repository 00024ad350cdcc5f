#!/usr/bin/env bash
# Builds what bench/gpu-check.sh runs on a lent GPU machine, which has no .NET SDK and no network:
# the `rexnet` CLI and the RexNet.Tests executable published self-contained for linux-x64 into ONE
# folder (so they share one copy of the runtime), trimmed of files they never load, and packed as
# .gpu-pack/rexnet-gpu.tar.xz. The folder is ignored through .git/info/exclude (shared by every
# worktree), so it travels to the device only when the run call names it in `carry`.
#
# usage: bench/pack-gpu.sh            (from anywhere inside the checkout; needs the .NET 10 SDK)
set -uo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || { echo "pack-gpu: not inside a git checkout" >&2; exit 1; }
cd "$repo" || exit 1
pack_dir=.gpu-pack
pack="$pack_dir/rexnet-gpu.tar.xz"
stage=$(mktemp -d "${TMPDIR:-/tmp}/rexnet-gpu-pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT
bin="$stage/rexnet-gpu/bin"

# Ignore the pack folder in every worktree; idempotent.
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qxF "/$pack_dir/" "$exclude" 2>/dev/null || echo "/$pack_dir/" >>"$exclude"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
publish() {
  # DebugType=none: no .pdb files; the runtime pack is the same for both projects, so the second
  # publish overwrites identical files.
  dotnet publish "$1" -c Release -r linux-x64 --self-contained -p:DebugType=none -p:InvariantGlobalization=true \
    -o "$bin" -nologo -v quiet || { echo "pack-gpu: dotnet publish $1 failed" >&2; exit 1; }
}
publish src/RexNet.Cli
publish tests/RexNet.Tests

# Never loaded on the device: ONNX Runtime (only run-onnx/bench-onnx/ONNX tests use it; its package
# also drops its Windows DLLs into a linux-x64 publish), the debugger and dump support, the
# event-tracing provider, the optional GC builds, and satellite resource folders of the test libraries.
rm -f "$bin"/libonnxruntime.so "$bin"/libonnxruntime_providers_shared.so "$bin"/onnxruntime*.dll \
      "$bin"/libmscordaccore.so "$bin"/libmscordbi.so "$bin"/createdump \
      "$bin"/libcoreclrtraceptprovider.so "$bin"/libclrgc.so "$bin"/libclrgcexp.so
find "$bin" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

# Nothing built for another platform may travel: every .dll must be a .NET assembly (a PE file with a
# CLI header), and there must be no .exe or .dylib.
foreign=$(python3 - "$bin" <<'PY'
import os, struct, sys
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    if name.endswith((".exe", ".dylib")):
        print(name)
    elif name.endswith(".dll"):
        with open(path, "rb") as f:
            head = f.read(4096)
        try:
            pe = struct.unpack_from("<I", head, 0x3C)[0]
            magic = struct.unpack_from("<H", head, pe + 24)[0]
            directories = pe + 24 + (96 if magic == 0x10B else 112)
            managed = head[:2] == b"MZ" and struct.unpack_from("<I", head, directories + 14 * 8)[0] != 0
        except struct.error:
            managed = False
        if not managed:
            print(name)
PY
) || { echo "pack-gpu: cannot check the pack for foreign files (python3 needed)" >&2; exit 1; }
if [ -n "$foreign" ]; then
  echo "pack-gpu: files for another platform in the pack: $(echo "$foreign" | paste -sd' ')" >&2
  exit 1
fi

for f in rexnet.runtimeconfig.json RexNet.Tests.runtimeconfig.json; do
  grep -q '"System.Globalization.Invariant": true' "$bin/$f" \
    || { echo "pack-gpu: $f lacks InvariantGlobalization (the device may have no ICU)" >&2; exit 1; }
done

# Both executables must start from the trimmed folder before we ship it.
"$bin/rexnet" zoo >/dev/null || { echo "pack-gpu: the published rexnet does not run" >&2; exit 1; }
REXNET_REPO_ROOT="$repo" "$bin/RexNet.Tests" -namespace RexNet.Tests.Native -reporter quiet -noLogo -noColor >"$stage/selftest.log" 2>&1 \
  || { echo "pack-gpu: the published test executable failed its Native tests:" >&2; tail -20 "$stage/selftest.log" >&2; exit 1; }

cat >"$stage/rexnet-gpu/BUILD_INFO.json" <<JSON
{
  "commit": "$(git rev-parse HEAD)",
  "dirty": $(if git diff --quiet HEAD -- . 2>/dev/null; then echo false; else echo true; fi),
  "built_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "dotnet_sdk": "$(dotnet --version)",
  "rid": "linux-x64",
  "uncompressed_bytes": $(du -sb "$bin" | cut -f1)
}
JSON

mkdir -p "$pack_dir"
if ! { tar -C "$stage" -cf - rexnet-gpu | xz -T0 -6 >"$pack.tmp" && mv "$pack.tmp" "$pack"; }; then
  rm -f "$pack.tmp"
  echo "pack-gpu: packing failed" >&2
  exit 1
fi
size=$(stat -c %s "$pack")
echo "pack-gpu: $pack $((size / 1024 / 1024)) MiB ($size bytes; $(du -sh "$bin" | cut -f1) unpacked) from $(git rev-parse --short HEAD)"
# The device call carries at most 64 MiB together with the tracked tree.
if [ "$size" -gt $((48 * 1024 * 1024)) ]; then
  echo "pack-gpu: warning: the pack is over 48 MiB; with the working tree it may pass the 64 MiB carry limit" >&2
fi
