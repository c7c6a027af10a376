"""Synthetic product pictures and the edits a copier makes to them (resize, JPEG, watermark, mirror, crop).

Used by the image-copy benchmarks and tests: each picture differs by seed, and every edit keeps it a copy.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageOps

SIZE = 400


def product_image(seed: int) -> Image.Image:
    """A picture with a background gradient, a few shapes and a label, different for every seed."""
    rng = random.Random(seed)  # nosec B311  # seeded drawing of a synthetic picture, not a secret
    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    top, bottom = [tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(2)]
    for y in range(SIZE):
        t = y / SIZE
        draw.line([(0, y), (SIZE, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(rng.randint(4, 9)):
        x0, y0 = rng.randint(0, SIZE - 60), rng.randint(0, SIZE - 60)
        box = [x0, y0, x0 + rng.randint(40, 200), y0 + rng.randint(40, 200)]
        color = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=color)
    draw.text((rng.randint(10, 200), rng.randint(10, 350)), f"ITEM {seed}", fill=(255, 255, 255))
    return image.filter(ImageFilter.SMOOTH)


def jpeg(image: Image.Image, quality: int = 30) -> Image.Image:
    """Recompress as JPEG at a low quality."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def watermark(image: Image.Image) -> Image.Image:
    """Write a shop's name across the picture and a dark badge in a corner."""
    marked = image.copy()
    draw = ImageDraw.Draw(marked, "RGBA")
    for y in range(20, SIZE, 90):
        draw.text((30, y), "SHOP-1688 正品 SHOP-1688", fill=(255, 255, 255, 120))
    draw.rectangle([SIZE - 120, SIZE - 40, SIZE - 10, SIZE - 10], fill=(0, 0, 0, 110))
    return marked


def crop(image: Image.Image, share: float = 0.10) -> Image.Image:
    """Cut `share` of the width and height off the edges, evenly."""
    edge = int(SIZE * share / 2)
    return image.crop((edge, edge, SIZE - edge, SIZE - edge))


# The edits, by the name the benchmarks print.
EDITS = {
    "resize 50%": lambda im: im.resize((SIZE // 2, SIZE // 2)),
    "JPEG q30": jpeg,
    "watermark": watermark,
    "mirror": ImageOps.mirror,
    "crop 10%": crop,
}
