#!/usr/bin/python3
"""Writes the image cases the decoder tests hold, and PIL's answers for them.

Run with Debian's Python (`/usr/bin/python3`, packages python3-pil, python3-numpy, libjpeg-turbo-progs for
`cjpeg`): PIL's own decoder and resize are the reference, exactly as timm's eval transform uses them.

    /usr/bin/python3 tests/RexNet.Tests/Imaging/PilReference/make_reference.py

For every case NAME it writes, into this folder:
  NAME.<ext>        the encoded image (PIL writes what it can; cjpeg and small hand-written PNG/BMP
                    writers make the kinds PIL cannot: 4:4:0, 4:1:1, arithmetic coding, restart markers,
                    RGB-coded JPEG, 16-bit and 4-bit PNG, Adam7 interlacing, 16-bit BMP)
  NAME.rgb.ppm      PIL's Image.open(f).convert('RGB'): the decoded pixels
  NAME.timm.npy     float32 [1, 3, 32, 32]: timm's eval transform (resize short side to 36 bicubic, centre
                    crop 32, to_tensor, ImageNet normalisation) of that RGB image
  NAME.upright.rgb.ppm  for files with an EXIF orientation: ImageOps.exif_transpose first
and index.json describing each case and the versions that made them. The content is synthetic (gradients, sharp-edged discs, noise) and
seeded, so a rerun writes the same files as long as PIL, libjpeg-turbo and libwebp are the same versions.
"""
import io
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import PIL
from PIL import Image, ImageCms, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 32
CROP_PCT = 0.875
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def content(width, height, seed):
    """Smooth colour ramps, discs with hard colour edges (chroma upsampling shows there) and noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.stack([
        40 + 180 * x / max(1, width - 1),
        200 - 150 * y / max(1, height - 1),
        120 + 80 * np.sin((x + y) / 7.0),
    ], axis=-1)
    for _ in range(6):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(4, min(width, height) / 3)
        colour = rng.uniform(0, 255, size=3)
        img[(x - cx) ** 2 + (y - cy) ** 2 <= r * r] = colour
    img += rng.normal(0, 10, size=img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def rgb_image(width, height, seed):
    return Image.fromarray(content(width, height, seed), "RGB")


def timm_eval(rgb):
    """timm's transforms_imagenet_eval for an int img_size: torchvision Resize(short side), CenterCrop,
    ToTensor, Normalize, written out with the same PIL calls and float32 arithmetic."""
    scale = math.floor(SIZE / CROP_PCT)
    w, h = rgb.size
    if w <= h:
        nw, nh = scale, int(scale * h / w)
    else:
        nw, nh = int(scale * w / h), scale
    if (nw, nh) != (w, h):
        rgb = rgb.resize((nw, nh), Image.BICUBIC)
    top = int(round((nh - SIZE) / 2.0))
    left = int(round((nw - SIZE) / 2.0))
    crop = rgb.crop((left, top, left + SIZE, top + SIZE))
    a = np.asarray(crop, dtype=np.uint8).astype(np.float32) / np.float32(255)
    a = (a - MEAN) / STD
    return np.ascontiguousarray(a.transpose(2, 0, 1)[None], dtype=np.float32)


def adobe_like_profile():
    """An ICC v2 RGB matrix/TRC profile with wide (Adobe RGB 1998-like) primaries and gamma 2.2: a decoder
    that converted colours to sRGB would change every pixel, so the case shows the profile is ignored."""
    def s15(v):
        return struct.pack(">i", int(round(v * 65536)))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    def curve(gamma):
        return b"curv" + b"\0" * 4 + struct.pack(">I", 1) + struct.pack(">H", int(round(gamma * 256))) + b"\0\0"

    def desc(text):
        t = text.encode("ascii") + b"\0"
        return b"desc" + b"\0" * 4 + struct.pack(">I", len(t)) + t + b"\0" * 12 + b"\0" * 67

    tags = [
        (b"desc", desc("rexnet test wide-gamut RGB")),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.6097, 0.3111, 0.0195)),
        (b"gXYZ", xyz(0.2053, 0.6257, 0.0609)),
        (b"bXYZ", xyz(0.1492, 0.0632, 0.7446)),
        (b"rTRC", curve(2.2)),
        (b"gTRC", curve(2.2)),
        (b"bTRC", curve(2.2)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    size = 128 + len(body)
    header = (struct.pack(">I", size) + b"none" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + b"\0" * 12
              + b"acsp" + b"\0" * 4 + b"\0" * 4 + b"\0" * 8 + b"\0" * 8 + b"\0" * 4
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 4 + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128, len(header)
    profile = header + body
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # lcms must accept it
    return profile


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png(samples, colour_type, bit_depth, interlace=False):
    """A PNG of the kinds PIL cannot write (16-bit colour, 4-bit greyscale, Adam7 interlacing): samples is
    [H, W, C] (uint16 for 16 bits), written with filter 0 on every row."""
    h, w = samples.shape[:2]

    def rows(a):
        if bit_depth == 16:
            return b"".join(b"\0" + a[r].astype(">u2").tobytes() for r in range(a.shape[0]))
        if bit_depth < 8:
            per = 8 // bit_depth
            out = b""
            for r in range(a.shape[0]):
                line = a[r].reshape(-1)
                line = np.concatenate([line, np.zeros((-len(line)) % per, dtype=line.dtype)]).reshape(-1, per)
                packed = np.zeros(len(line), dtype=np.uint8)
                for i in range(per):
                    packed |= (line[:, i].astype(np.uint8) << (8 - bit_depth * (i + 1))).astype(np.uint8)
                out += b"\0" + packed.tobytes()
            return out
        return b"".join(b"\0" + a[r].astype(np.uint8).tobytes() for r in range(a.shape[0]))

    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b"".join(rows(samples[y0::dy, x0::dx]) for x0, y0, dx, dy in passes if samples[y0::dy, x0::dx].size)
    else:
        raw = rows(samples)
    header = struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(raw, 9))
            + png_chunk(b"IEND", b""))


def bmp16(rgb, green_bits):
    """A 16-bit BMP (PIL writes none): R5G6B5 through BI_BITFIELDS masks, or X1R5G5B5, the BI_RGB default."""
    a = np.asarray(rgb, dtype=np.uint16)
    h, w = a.shape[:2]
    pixels = (((a[..., 0] >> 3) << (5 + green_bits)) | ((a[..., 1] >> (8 - green_bits)) << 5) | (a[..., 2] >> 3)).astype(np.uint16)
    stride = (w * 2 + 3) & ~3
    rows = b"".join(pixels[row].astype("<u2").tobytes().ljust(stride, b"\0") for row in reversed(range(h)))
    masks = struct.pack("<III", 0xF800, 0x07E0, 0x001F) if green_bits == 6 else b""
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 16, 3 if masks else 0, len(rows), 2835, 2835, 0, 0)
    offset = 14 + len(info) + len(masks)
    return b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset) + info + masks + rows


def gif_on_larger_screen(gif, width, height, left, top):
    """Moves the first frame to (left, top) of a larger logical screen, as animation tools write frames."""
    data = bytearray(gif)
    data[6:10] = struct.pack("<HH", width, height)
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while data[pos] == 0x21:  # skip extensions: introducer, label, sub-blocks
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    assert data[pos] == 0x2C
    data[pos + 1:pos + 5] = struct.pack("<HH", left, top)
    return bytes(data)


def cjpeg(rgb, *args, grey=False):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.pgm" if grey else "in.ppm")
        (rgb.convert("L") if grey else rgb).save(src)
        return subprocess.run(["cjpeg", *args, src], check=True, capture_output=True).stdout


def saved(image, fmt, **kwargs):
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def with_alpha(rgb, seed):
    """RGBA whose alpha runs 0..255 across the image, with a fully transparent and a fully opaque band."""
    w, h = rgb.size
    alpha = np.tile(np.linspace(0, 255, w).round().astype(np.uint8), (h, 1))
    alpha[: h // 4] = 0
    alpha[-h // 4:] = 255
    a = np.dstack([np.asarray(rgb), alpha])
    return Image.fromarray(a, "RGBA")


def cases():
    """(name, extension, encoded bytes, description, reference override or None)."""
    icc = adobe_like_profile()
    cmyk = Image.fromarray(np.dstack([content(88, 62, 40)[..., :3], content(88, 62, 41)[..., :1]]), "CMYK")
    palette = rgb_image(90, 64, 30).quantize(colors=64)
    grey16 = (content(84, 60, 31)[..., 0].astype(np.uint16) * 257
              + np.random.default_rng(32).integers(0, 257, size=(60, 84), dtype=np.uint16))
    rgb16 = (content(86, 61, 33).astype(np.uint16) * 257
             + np.random.default_rng(34).integers(0, 257, size=(61, 86, 3), dtype=np.uint16))
    rgba16 = np.dstack([rgb16, np.tile(np.linspace(0, 65535, 86).astype(np.uint16), (61, 1))])
    gif_transparent = rgb_image(80, 60, 37).quantize(colors=32)
    frames = [rgb_image(76, 58, 38 + i).quantize(colors=48) for i in range(2)]

    yield "jpeg_420_odd", "jpg", saved(rgb_image(101, 75, 1), "JPEG", quality=90, subsampling=2), "4:2:0, 101x75 (odd both ways)", None
    yield "jpeg_420_odd_q75", "jpg", saved(rgb_image(67, 99, 2), "JPEG", quality=75, subsampling=2), "4:2:0, 67x99 portrait, quality 75", None
    yield "jpeg_422", "jpg", saved(rgb_image(96, 67, 3), "JPEG", quality=90, subsampling=1), "4:2:2", None
    yield "jpeg_444_icc", "jpg", saved(rgb_image(90, 64, 4), "JPEG", quality=92, subsampling=0, icc_profile=icc), "4:4:4 with a wide-gamut ICC profile (ignored, as PIL does)", None
    yield "jpeg_440", "jpg", cjpeg(rgb_image(83, 61, 5), "-quality", "90", "-sample", "1x2"), "4:4:0 (cjpeg -sample 1x2)", None
    yield "jpeg_411", "jpg", cjpeg(rgb_image(97, 66, 6), "-quality", "90", "-sample", "4x1"), "4:1:1 (cjpeg -sample 4x1)", None
    yield "jpeg_grey", "jpg", saved(rgb_image(85, 63, 7).convert("L"), "JPEG", quality=90), "greyscale", None
    yield "jpeg_progressive", "jpg", saved(rgb_image(100, 71, 8), "JPEG", quality=85, progressive=True), "progressive 4:2:0", None
    yield "jpeg_arithmetic", "jpg", cjpeg(rgb_image(91, 65, 9), "-quality", "90", "-arithmetic"), "arithmetic-coded 4:2:0 (cjpeg -arithmetic)", None
    yield "jpeg_restart", "jpg", cjpeg(rgb_image(95, 69, 10), "-quality", "90", "-restart", "1"), "restart marker every MCU row (cjpeg -restart 1)", None
    yield "jpeg_progressive_arithmetic_grey", "jpg", cjpeg(rgb_image(70, 52, 11), "-quality", "80", "-progressive", "-arithmetic", grey=True), "progressive arithmetic-coded greyscale (cjpeg)", None
    yield "jpeg_rgb", "jpg", cjpeg(rgb_image(89, 63, 13), "-quality", "90", "-rgb"), "RGB samples, no YCbCr transform (cjpeg -rgb)", None
    yield "jpeg_cmyk", "jpg", saved(cmyk, "JPEG", quality=90), "Adobe CMYK with non-zero K", None
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        yield (f"jpeg_exif{orientation}", "jpg", saved(rgb_image(60, 40, 70 + orientation), "JPEG", quality=90, exif=exif.tobytes()),
               f"4:2:0 with EXIF orientation {orientation}", None)
    exif = Image.Exif()
    exif[0x0112] = 6
    yield "png_exif6", "png", saved(rgb_image(58, 42, 79), "PNG", exif=exif.tobytes()), "EXIF orientation 6 in an eXIf chunk", None
    yield "webp_exif6", "webp", saved(rgb_image(56, 44, 80), "WEBP", lossless=True, exif=exif.tobytes()), "EXIF orientation 6 in an EXIF chunk", None

    yield "png_rgb", "png", saved(rgb_image(93, 64, 20), "PNG"), "8-bit RGB", None
    yield "png_palette", "png", saved(palette, "PNG"), "64-colour palette", None
    yield "png_palette_trns", "png", saved(palette, "PNG", transparency=5), "palette with a transparent index (its colour is kept)", None
    yield "png_grey", "png", saved(rgb_image(88, 61, 21).convert("L"), "PNG"), "8-bit greyscale", None
    yield "png_grey_alpha", "png", saved(with_alpha(rgb_image(80, 60, 22), 22).convert("LA"), "PNG"), "greyscale with alpha (dropped)", None
    yield "png_1bit", "png", saved(rgb_image(77, 59, 23).convert("1"), "PNG"), "1-bit", None
    yield "png_rgba", "png", saved(with_alpha(rgb_image(92, 63, 24), 24), "PNG"), "RGBA (alpha dropped, not composited)", None
    yield "png_rgb16", "png", png(rgb16, 2, 16), "16-bit RGB (high byte)", None
    yield "png_rgba16", "png", png(rgba16, 6, 16), "16-bit RGBA (high byte, alpha dropped)", None
    yield "png_interlaced", "png", png(content(79, 57, 25), 2, 8, interlace=True), "Adam7-interlaced 8-bit RGB", None
    yield "png_grey4", "png", png(content(71, 53, 26)[..., :1] >> 4, 0, 4), "4-bit greyscale", None
    yield "png_palette_4bit", "png", saved(rgb_image(76, 55, 27).quantize(colors=16), "PNG", bits=4), "4-bit, 16-colour palette", None
    yield "png_rgb_trns", "png", saved(rgb_image(72, 52, 28), "PNG", transparency=(0, 0, 0)), "RGB with a transparent colour (tRNS)", None
    # PIL opens 16-bit greyscale as mode I and convert('RGB') clips every value above 255 to white; we take
    # the high byte as for 16-bit colour. This is the one documented deviation from PIL.
    yield "png_grey16", "png", saved(Image.fromarray(grey16, "I;16"), "PNG"), "16-bit greyscale (high byte; PIL clips to white)", (grey16 >> 8).astype(np.uint8)

    yield "webp_lossy", "webp", saved(rgb_image(94, 66, 50), "WEBP", quality=80), "lossy", None
    yield "webp_lossless", "webp", saved(rgb_image(82, 60, 51), "WEBP", lossless=True), "lossless", None
    yield "webp_lossy_alpha", "webp", saved(with_alpha(rgb_image(90, 62, 52), 52), "WEBP", quality=80), "lossy with alpha", None
    yield "webp_lossless_alpha", "webp", saved(with_alpha(rgb_image(84, 61, 53), 53), "WEBP", lossless=True, exact=True), "lossless with alpha, exact colours under transparency", None

    yield "webp_animated", "webp", saved(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, quality=80), "two frames: the first is used", None

    yield "gif", "gif", saved(rgb_image(86, 62, 36).quantize(colors=128), "GIF"), "128-colour", None
    yield "gif_transparent", "gif", saved(gif_transparent, "GIF", transparency=3), "with a transparent index (its colour is kept)", None
    yield "gif_small_frame", "gif", gif_on_larger_screen(saved(rgb_image(50, 36, 39).quantize(colors=40), "GIF"), 64, 48, 6, 5), "first frame smaller than the screen (the rest is palette index 0)", None
    yield "gif_small_frame_transparent", "gif", gif_on_larger_screen(saved(gif_transparent, "GIF", transparency=7), 92, 70, 4, 3), "smaller first frame with a transparent index (it fills the rest)", None
    yield "gif_animated", "gif", saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0), "two frames: the first is used", None

    yield "bmp_rgb", "bmp", saved(rgb_image(87, 63, 60), "BMP"), "24-bit", None
    yield "bmp_palette", "bmp", saved(rgb_image(81, 60, 61).quantize(colors=100), "BMP"), "8-bit palette", None
    yield "bmp_grey", "bmp", saved(rgb_image(79, 58, 62).convert("L"), "BMP"), "8-bit greyscale palette", None
    yield "bmp_1bit", "bmp", saved(rgb_image(75, 57, 63).convert("1"), "BMP"), "1-bit", None
    yield "bmp_rgb565", "bmp", bmp16(rgb_image(78, 59, 64), 6), "16-bit R5G6B5 bit fields", None
    yield "bmp_rgb555", "bmp", bmp16(rgb_image(74, 55, 65), 5), "16-bit X1R5G5B5 (BI_RGB)", None
    yield "bmp_rgba32", "bmp", saved(with_alpha(rgb_image(73, 54, 66), 66), "BMP"), "32-bit with alpha (dropped)", None


def debian_versions(*packages):
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *packages], capture_output=True, text=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def main():
    index = {
        "generator": os.path.basename(__file__),
        "python": sys.version.split()[0],
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "debian_packages": debian_versions("python3-pil", "libjpeg62-turbo", "libjpeg-turbo-progs", "libwebp7", "libpng16-16", "zlib1g"),
        "size": SIZE,
        "crop_pct": CROP_PCT,
        "cases": {},
    }
    for name, ext, data, description, override in cases():
        path = os.path.join(HERE, f"{name}.{ext}")
        with open(path, "wb") as f:
            f.write(data)
        with Image.open(path) as im:
            mode = im.mode
            rgb = Image.fromarray(override).convert("RGB") if override is not None else im.convert("RGB")
            upright = None
            if im.getexif().get(0x0112, 1) != 1:
                upright = ImageOps.exif_transpose(im).convert("RGB")
        rgb.save(os.path.join(HERE, f"{name}.rgb.ppm"))
        np.save(os.path.join(HERE, f"{name}.timm.npy"), timm_eval(rgb))
        entry = {"file": f"{name}.{ext}", "pil_mode": mode, "width": rgb.size[0], "height": rgb.size[1],
                 "description": description}
        if override is not None:
            entry["deviation"] = "reference is the high byte of each sample; PIL's convert('RGB') clips to 255"
        if upright is not None:
            upright.save(os.path.join(HERE, f"{name}.upright.rgb.ppm"))
            entry["upright"] = f"{name}.upright.rgb.ppm"
        index["cases"][name] = entry
    with open(os.path.join(HERE, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    print(f"wrote {len(index['cases'])} cases to {HERE}")


if __name__ == "__main__":
    main()
