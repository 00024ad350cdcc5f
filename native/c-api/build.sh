#!/usr/bin/env bash
# Builds the C API: OUTDIR/librexnet.so (NativeAOT, self-contained: no .NET needed to run it) with
# OUTDIR/rexnet.h and OUTDIR/rexnet.hpp beside it, and any native library from a package that the
# engine loads at run time (ship those next to librexnet.so).
#
#   bash native/c-api/build.sh OUTDIR [--rid linux-x64|linux-arm64]
#
# Needs the .NET SDK, clang and llvm-objcopy (Debian: clang, llvm). linux-arm64 from an x64 host also
# needs Debian's arm64 cross toolchain pieces (binutils-aarch64-linux-gnu, libc6-dev-arm64-cross,
# libgcc-12-dev-arm64-cross), which clang finds by itself. Packages come from NuGet (the SDK picks
# the NativeAOT compiler for its runtime version).
#
# A build is cached by a hash of everything it is made from (sources, project files, SDK version,
# RID) under ${REXNET_BUILD_CACHE:-${XDG_CACHE_HOME:-~/.cache}/rexnet/c-api}: the same inputs are
# copied from the cache instead of compiled again. REXNET_BUILD_CACHE=off disables it.
set -euo pipefail

usage() { echo "usage: build.sh OUTDIR [--rid linux-x64|linux-arm64]" >&2; exit 2; }

out=""
rid="linux-x64"
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) [ $# -ge 2 ] || usage; rid="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "build.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || usage; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || usage
case "$rid" in
  linux-x64|linux-arm64) ;;
  *) echo "build.sh: unsupported RID '$rid' (linux-x64 or linux-arm64)" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
for tool in dotnet clang; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build.sh: $tool is not installed (NativeAOT needs the .NET SDK and clang)" >&2; exit 1; }
done

# Everything the library is compiled from. Tests and examples are not inputs of the library.
inputs_hash() {
  (
    cd "$root"
    find src/RexNet native/RexNet.Native native/c-api/RexNet.CApi kernels weights \
      -type f ! -path '*/bin/*' ! -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum Directory.Build.props Directory.Packages.props global.json native/c-api/build.sh \
      native/c-api/rexnet.h native/c-api/rexnet.hpp
    ls NuGet.Config nuget.config 2>/dev/null | xargs -r sha256sum
    dotnet --version
    clang --version | head -n 1
    echo "$rid"
  ) | sha256sum | cut -c1-32
}

products=(librexnet.so rexnet.h rexnet.hpp)
cache_root="${REXNET_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rexnet/c-api}"
mkdir -p "$out"

if [ "$cache_root" != "off" ]; then
  cached="$cache_root/$rid-$(inputs_hash)"
  if [ -f "$cached/librexnet.so" ]; then
    cp -f "$cached"/* "$out/"
    echo "build.sh: $rid librexnet.so from the cache ($cached)"
    exit 0
  fi
fi

# Own intermediate and output folders, so the build never races the solution's obj/ and bin/.
work="$(mktemp -d "${TMPDIR:-/tmp}/rexnet-capi-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log="$work/publish.log"
if ! dotnet publish "$here/RexNet.CApi/RexNet.CApi.csproj" -c Release -r "$rid" \
    --artifacts-path "$work/artifacts" -o "$work/publish" -nologo >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "build.sh: dotnet publish failed for $rid (the end of its log is above)" >&2
  exit 1
fi
cp "$work/publish/librexnet.so" "$here/rexnet.h" "$here/rexnet.hpp" "$work/"
# Native libraries from packages (e.g. an image decoder's) travel next to librexnet.so, whose
# RUNPATH ($ORIGIN) finds them there.
for f in "$work/publish"/*.so; do
  name="$(basename "$f")"
  [ -e "$f" ] && [ "$name" != librexnet.so ] || continue
  cp "$f" "$work/"
  products+=("$name")
done

if [ "$cache_root" != "off" ]; then
  mkdir -p "$cache_root"
  staging="$(mktemp -d "$cache_root/.staging.XXXXXX")"
  for f in "${products[@]}"; do cp "$work/$f" "$staging/$f"; done
  # Another build of the same inputs may have won the race: either copy is the same.
  mv -T "$staging" "$cached" 2>/dev/null || rm -rf "$staging"
  # Keep the newest few builds per RID: each is one library (a few MiB).
  ls -1dt "$cache_root/$rid-"* 2>/dev/null | tail -n +5 | xargs -r rm -rf
fi
for f in "${products[@]}"; do cp -f "$work/$f" "$out/$f"; done
echo "build.sh: built $out/librexnet.so ($rid)"
