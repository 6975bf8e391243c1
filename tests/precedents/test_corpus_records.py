"""Corpus records: excerpts with only the court's reasoning are indexed, not refused."""

from __future__ import annotations

import json

from mediation.precedents.service import read_corpus


def test_records_without_text_use_the_reasoning_or_are_skipped(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [
        {"id": "a", "text": "原告诉称借款未还。"},
        {"id": "b", "text": "", "court_reasoning": "本案焦点是双方是否有借贷合意。"},
        {"id": "c", "text": None},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    got = [(r["id"], r["text"]) for r in read_corpus(path)]
    assert got == [("a", "原告诉称借款未还。"), ("b", "本案焦点是双方是否有借贷合意。")]
