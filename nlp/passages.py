"""The passages of a precedent that match a query, with the matching words marked.

A passage is a sentence (split at 。！？； and line breaks). Each is scored by the summed IDF
of the query terms it contains; the best ones are returned as segments
[{"text": ..., "mark": bool}] so a page can highlight them without trusting HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nlp.lexical import is_term, segment

SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
MAX_PASSAGE_CHARS = 240


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    score: float
    segments: list[dict]

    @property
    def text(self) -> str:
        return "".join(s["text"] for s in self.segments)

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "segments": self.segments}


def sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in SENTENCE_END.split(text or ""):
        if not part:
            continue
        start, end = pos, pos + len(part)
        pos = end
        # Long run-on sentences are cut into readable pieces.
        while end - start > MAX_PASSAGE_CHARS:
            cut = text.rfind("，", start, start + MAX_PASSAGE_CHARS)
            cut = cut + 1 if cut > start + 40 else start + MAX_PASSAGE_CHARS
            spans.append((start, cut))
            start = cut
        if text[start:end].strip():
            spans.append((start, end))
    return spans


def _segments(
    text: str, weights: Mapping[str, float], min_weight: float
) -> tuple[list[dict], float]:
    out: list[dict] = []
    score = 0.0
    seen: set[str] = set()
    for token in segment(text):
        key = token.lower()
        w = weights.get(key, 0.0) if is_term(token) else 0.0
        mark = w >= min_weight
        if mark and key not in seen:
            score += w
            seen.add(key)
        if out and out[-1]["mark"] == mark:
            out[-1]["text"] += token
        else:
            out.append({"text": token, "mark": mark})
    return out, score


def matched_passages(
    text: str,
    query_weights: Mapping[str, float],
    *,
    limit: int = 2,
    min_weight: float = 1.0,
    extra_score: Callable[[int, int], float] | None = None,
) -> list[Passage]:
    """The `limit` best passages of `text` for a query given as term → IDF weights."""
    scored: list[Passage] = []
    for start, end in sentences(text):
        segs, score = _segments(text[start:end], query_weights, min_weight)
        if extra_score is not None:
            score += extra_score(start, end)
        if score > 0:
            scored.append(Passage(start, end, score, segs))
    scored.sort(key=lambda p: (-p.score, p.start))
    best = sorted(scored[:limit], key=lambda p: p.start)
    return best
