"""What a password must be: at least 12 characters and not easy to guess (zxcvbn's estimate, score 3 of 4)."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline slow-hash scenario"
MAX_CHECKED = 100  # zxcvbn's matching grows with the length; the rest of a long password only adds strength


def check_strength(password: str, *, username: str = "") -> None:
    """Raise ValueError (in Chinese and English) for a password too short or too easy to guess."""
    if len(password) < MIN_LENGTH or not password.strip():
        raise ValueError(f"密码至少 {MIN_LENGTH} 位 / the password needs at least {MIN_LENGTH} characters")
    verdict = zxcvbn(password[:MAX_CHECKED], user_inputs=[username, "cbec", "zhejiang"])
    if verdict["score"] < MIN_SCORE:
        hint = verdict["feedback"].get("warning") or "add more words or characters"
        raise ValueError(f"密码太容易被猜中，请换一个更长、更少见的密码 / the password is too easy to guess: {hint}")
