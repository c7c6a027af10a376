"""A seeded synthetic Zhejiang cross-border e-commerce province: every feed of the contract, any month."""

from cbec.synth.service import SynthResult, generate, scale_factor

__all__ = ["SynthResult", "generate", "scale_factor"]
