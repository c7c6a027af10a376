"""A share measured on few cases, with the interval it may really lie in (Wilson score interval)."""

from __future__ import annotations

import math

Z_95 = 1.959963984540054  # two-sided 95 %


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Return the Wilson score interval of successes / trials (0, 1 when there are no trials).

    Unlike p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and does not shrink to a point at 0 or n successes:
    3 true positives of 3 items read [0.44, 1.0], not a certain 1.0.
    """
    if trials <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must lie in [0, {trials}], got {successes}")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends: the two terms cancel there
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high
