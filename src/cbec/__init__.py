"""cbec: the supervision platform for cross-border e-commerce in Zhejiang."""

__version__ = "0.1.0"
