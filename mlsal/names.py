"""Matching what people type to known names, and suggesting the nearest ones when it fails."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing: 'São-Paulo ' and 'sao paulo' match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return " ".join(words)


CUTOFF = 0.7  # below this similarity a name is no suggestion ('sao paulo' is no 'minneapolis')
MARGIN = 0.1  # suggestions must be nearly as close as the best one


def nearest(text: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The candidates closest to text, best first, by normalized spelling."""
    return nearest_form(text, forms_of(candidates), limit)


def forms_of(candidates: list[str]) -> dict[str, str]:
    """Each candidate's normalized spelling -> the candidate (the first, where two share)."""
    by_form: dict[str, str] = {}
    for candidate in candidates:
        by_form.setdefault(normalize(candidate), candidate)
    return by_form


def nearest_form(text: str, by_form: dict[str, str], limit: int = 3) -> list[str]:
    """nearest(), given the candidates' forms once (a catalog keeps them for its names)."""
    import difflib  # only when something was not found

    wanted = normalize(text)
    # As difflib.get_close_matches: the cheap upper bounds first, the full ratio only for the
    # few names that could reach the cutoff (thousands of city names, typos by the thousand).
    # The first bound counts, at C speed, the letters of a name that the text lacks: those
    # can match nothing, so a name with many of them cannot reach the cutoff.
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    size = len(wanted)
    lacking = str.maketrans("", "", "".join(set(wanted)))  # deletes the text's letters
    scored_pairs = []
    for form in by_form:
        length = len(form)
        if 2 * min(length - len(form.translate(lacking)), size) < CUTOFF * (length + size):
            continue
        matcher.set_seq1(form)
        if matcher.quick_ratio() >= CUTOFF and (score := matcher.ratio()) >= CUTOFF:
            scored_pairs.append((score, form))
    scored = sorted(scored_pairs, key=lambda pair: (-pair[0], pair[1]))
    if not scored or scored[0][0] < CUTOFF:
        return []
    floor = max(CUTOFF, scored[0][0] - MARGIN)
    return [by_form[form] for score, form in scored[:limit] if score >= floor]


def did_you_mean(suggestions: list[str]) -> str:
    """'; did you mean 'a' or 'b'?' or '' when there is nothing to suggest."""
    if not suggestions:
        return ""
    quoted = [f"'{s}'" for s in suggestions]
    if len(quoted) == 1:
        return f"; did you mean {quoted[0]}?"
    return f"; did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"


def possessive(name: str) -> str:
    """ "Google's", "Bachelor's" (not "Bachelor's's"), "Sales'"."""
    if name.endswith(("'s", "’s")):
        return name
    return name + ("'" if name.endswith("s") else "'s")
