"""Matching what people type to known names, and suggesting the nearest ones when it fails."""

from __future__ import annotations

import difflib
import unicodedata


def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing: 'São-Paulo ' and 'sao paulo' match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return " ".join(words)


def nearest(text: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The candidates closest to text, best first, by normalized spelling."""
    by_form: dict[str, str] = {}
    for candidate in candidates:
        by_form.setdefault(normalize(candidate), candidate)
    matches = difflib.get_close_matches(normalize(text), list(by_form), n=limit, cutoff=0.6)
    return [by_form[m] for m in matches]


def did_you_mean(suggestions: list[str]) -> str:
    """'; did you mean 'a' or 'b'?' or '' when there is nothing to suggest."""
    if not suggestions:
        return ""
    quoted = [f"'{s}'" for s in suggestions]
    if len(quoted) == 1:
        return f"; did you mean {quoted[0]}?"
    return f"; did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"
