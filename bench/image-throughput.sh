#!/usr/bin/env bash
# Decode + timm preprocessing (224, crop 0.875) throughput, one image at a time on one thread: PIL + timm's
# transform (Debian's /usr/bin/python3 with python3-pil and python3-numpy) against RexNet (SkiaSharp decode +
# our PIL-exact resampler), asked in turn image by image in the same run:
#   bench/image-throughput.sh bench/results/<date>-images [rounds] [seconds per image and round]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/image-throughput.sh OUTPUT_FOLDER [ROUNDS] [SECONDS]}
rounds=${2:-3}
seconds=${3:-1}
python=/usr/bin/python3
mkdir -p "$out"
images=$(mktemp -d)
trap 'rm -rf "$images"' EXIT

$python bench/reference/image_set.py ../shared/images "$images"
dotnet build -c Release bench/RexNet.Benchmarks -v q -nologo >/dev/null
# shellcheck disable=SC2046
$python bench/reference/image_throughput.py --rounds "$rounds" --seconds "$seconds" \
  --rexnet "dotnet bench/RexNet.Benchmarks/bin/Release/net10.0/RexNet.Benchmarks.dll images" \
  "$out" $(ls "$images"/* | sort)

{
  echo "# machine"
  grep -m1 'model name' /proc/cpuinfo
  lscpu | grep -E '^(CPU\(s\)|Model name|Thread\(s\) per core|L1d|L2|L3)'
  free -g | head -2
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "# versions"
  dotnet --version
  dotnet --list-runtimes | grep Microsoft.NETCore.App
  grep -E 'SkiaSharp' Directory.Packages.props | sed -E 's/.*Include="([^"]+)" Version="([^"]+)".*/\1 \2/'
  $python -c 'import sys, PIL, numpy; print("python", sys.version.split()[0], "| Pillow", PIL.__version__, "| numpy", numpy.__version__)'
  dpkg-query -W -f '${Package} ${Version}\n' python3-pil libjpeg62-turbo libwebp7 libpng16-16 zlib1g
  uname -r
} > "$out/machine.txt"
