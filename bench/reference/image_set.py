#!/usr/bin/python3
"""Writes the image set bench/image-throughput.sh times, made with PIL from ../shared/images:
the photos as they are, ImageNet-like JPEGs (quality 90, 4:2:0) of the PNG photos, a progressive one,
a lossy WebP and a 12-megapixel phone-sized JPEG (coffee.png scaled up to 4032x3024)."""
import os
import sys

from PIL import Image

source, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for name in ["rocket.jpg", "chelsea.png", "coffee.png", "astronaut.png", "camera.png"]:
    with open(os.path.join(source, name), "rb") as f, open(os.path.join(out, name), "wb") as g:
        g.write(f.read())
for name in ["chelsea", "coffee", "astronaut"]:
    Image.open(os.path.join(source, f"{name}.png")).convert("RGB").save(os.path.join(out, f"{name}_q90.jpg"), quality=90, subsampling=2)
coffee = Image.open(os.path.join(source, "coffee.png")).convert("RGB")
coffee.resize((1600, 1067), Image.BICUBIC).save(os.path.join(out, "coffee_1600_progressive.jpg"), quality=90, progressive=True)
coffee.save(os.path.join(out, "coffee_q80.webp"), quality=80)
coffee.resize((4032, 3024), Image.BICUBIC).save(os.path.join(out, "coffee_4032x3024_q90.jpg"), quality=90, subsampling=2)
