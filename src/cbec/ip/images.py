"""Copied product images: perceptual hashes that survive resizing, re-encoding, watermarks, mirroring and crops.

Each image gets a 64-bit pHash of itself and of its mirror image (a flipped copy matches the original's
mirror hash), and imagehash's crop-resistant hash (segments hashed separately) for crops. Near neighbours
are found with a multi-index over the pHash: split into 8 bytes, a hash within Hamming distance 7 of
another shares at least four of its sixteen 4-bit bands (pigeonhole), so only those are compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import imagehash
from PIL import Image, ImageOps

BANDS = 16  # 4-bit bands: a hash within 12 bits shares at least 4 bands (pigeonhole)
MATCH_DISTANCE = 12  # a pHash this close (of 64 bits) is the same picture, re-encoded, resized or marked


@dataclass(frozen=True, slots=True)
class ImageHashes:
    """The hashes of one image."""

    phash: int
    mirrored: int
    segments: imagehash.ImageMultiHash


def hash_image(image: Image.Image) -> ImageHashes:
    """Hash an image, its mirror image, and its segments."""
    rgb = image.convert("RGB")
    return ImageHashes(
        phash=int(str(imagehash.phash(rgb)), 16),
        mirrored=int(str(imagehash.phash(ImageOps.mirror(rgb))), 16),
        segments=imagehash.crop_resistant_hash(rgb, min_segment_size=500, segmentation_image_size=300),
    )


def hash_file(path: Path) -> ImageHashes:
    """Hash an image file."""
    with Image.open(path) as image:
        return hash_image(image)


def distance(a: int, b: int) -> int:
    """Return the Hamming distance of two 64-bit hashes."""
    return (a ^ b).bit_count()


def _bands(value: int) -> list[tuple[int, int]]:
    return [(i, (value >> (4 * i)) & 0xF) for i in range(BANDS)]


@dataclass(frozen=True, slots=True)
class ImageMatch:
    """A registered image a listing's image copies, how close and how (as is, mirrored, or cropped)."""

    key: str
    distance: int
    how: str


@dataclass
class ImageIndex:
    """Registered images (e.g. a mark's product photos) for near-neighbour search."""

    hashes: dict[str, ImageHashes] = field(default_factory=dict)
    buckets: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    segment_buckets: dict[tuple[int, int], set[str]] = field(default_factory=dict)

    def add(self, key: str, hashes: ImageHashes) -> None:
        """Register an image under a key."""
        self.hashes[key] = hashes
        for band in _bands(hashes.phash):
            self.buckets.setdefault(band, set()).add(key)
        for segment in _segments(hashes):
            for band in _bands(segment):
                self.segment_buckets.setdefault(band, set()).add(key)

    def search(self, probe: ImageHashes) -> ImageMatch | None:
        """Return the closest registered image the probe copies, else None."""
        best: ImageMatch | None = None
        for how, value in (("same", probe.phash), ("mirrored", probe.mirrored)):
            counts: dict[str, int] = {}
            for band in _bands(value):
                for key in self.buckets.get(band, ()):
                    counts[key] = counts.get(key, 0) + 1
            candidates = [k for k, n in counts.items() if n >= BANDS - MATCH_DISTANCE]
            for key in candidates:
                d = distance(value, self.hashes[key].phash)
                if d <= MATCH_DISTANCE and (best is None or d < best.distance):
                    best = ImageMatch(key, d, how)
        if best is None:  # a crop moves the whole-image hash: compare the images sharing a segment band
            bands = [b for segment in _segments(probe) for b in _bands(segment)]
            sharing: set[str] = set().union(*(self.segment_buckets.get(b, set()) for b in bands))
            needed = max(3, len(probe.segments.segment_hashes) // 2)
            scored = [(probe.segments.hash_diff(self.hashes[k].segments, hamming_cutoff=4)[0], k) for k in sharing]
            matches, key = max(scored, default=(0, ""))
            if matches >= needed:
                best = ImageMatch(key, MATCH_DISTANCE + 1, "cropped")
        return best


def _segments(hashes: ImageHashes) -> list[int]:
    return [int(str(h), 16) for h in hashes.segments.segment_hashes]
