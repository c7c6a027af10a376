"""Procedural product-like images and the edits a copier makes, for the image robustness table of bench/ip.py."""

from __future__ import annotations

from cbec.synth.images import EDITS, SIZE, crop, jpeg, product_image, watermark

__all__ = ["EDITS", "SIZE", "crop", "jpeg", "product_image", "watermark"]
