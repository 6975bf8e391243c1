"""Homophone correction of a transcript: Whisper's language model is weak, a dictionary's is not.

Whisper base often hears the syllables right and writes the wrong characters for them:
偏章 for 篇章, 停制 for 停滞, 梁岸 for 两岸. Each such word sounds the same (in pinyin,
tones aside) as a common word, while what was written is rare or no word at all. The
correction is the noisy-channel choice over the sentence, as a Chinese word segmenter
makes it:

    best = argmax over segmentations of  sum log P(word)  -  CHANGE_COST x characters changed

where P is jieba's unigram word frequency (its dictionary: about 350,000 words counted over
a general corpus), the words may be the transcript's own characters or a dictionary word
with the same toneless pinyin, and each changed character costs CHANGE_COST nats. A word
is replaced only where the replacement is far more likely than every way of reading the
characters as written: 是的 stays (是 and 的 are the commonest characters), 偏章 becomes
篇章. The domain vocabulary (and the case's institution names) joins the dictionary as
frequent words, so a name the model nearly got is pulled to its spelling and a name it got
is never "corrected" away.

Used for varieties written with standard Mandarin characters (Mandarin; Sichuanese, where
the tones differ from Mandarin and z/zh, c/ch, s/sh, n/l and -n/-ng are not told apart,
so the pinyin is compared with those merged). Not for Cantonese or Wu: their written forms
use their own characters (嘅, 咗, 侬, 搿) and their sounds are not Mandarin pinyin.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from functools import lru_cache

CHANGE_COST = 6.0  # nats per changed character
MIN_FREQ = 20  # a replacement must be a dictionary word at least this frequent
MAX_WORD = 4  # longest dictionary word considered as a replacement
VOCAB_FREQ = 2000  # the frequency given to domain and case words
MAX_KEYS = 8  # readings combinations per span (heteronyms)

_CJK = re.compile(r"[\u4e00-\u9fff]+")

# Southwestern Mandarin (Sichuanese): merged initials and finals.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"))


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ, jieba.dt.total


def _fuzz(syllable: str) -> str:
    for a, b in _FUZZY_INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a) :]
            break
    for a, b in _FUZZY_FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


@lru_cache(maxsize=65536)
def _readings(char: str, fuzzy: bool) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    out: list[str] = []
    for syllable in found[0] if found else ():
        syllable = _fuzz(syllable) if fuzzy else syllable
        if syllable and syllable not in out:
            out.append(syllable)
    return tuple(out[:3])


def _keys(word: str, fuzzy: bool) -> list[tuple[str, ...]]:
    readings = [_readings(c, fuzzy) for c in word]
    if not all(readings):
        return []
    return list(itertools.islice(itertools.product(*readings), MAX_KEYS))


@lru_cache(maxsize=2)
def _index(fuzzy: bool) -> dict[tuple[str, ...], list[tuple[str, int]]]:
    """toneless pinyin -> the dictionary's words with that sound, commonest first."""
    freq, _total = _dictionary()
    index: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for word, f in freq.items():
        if f < MIN_FREQ or not 2 <= len(word) <= MAX_WORD or not _CJK.fullmatch(word):
            continue
        for key in _keys(word, fuzzy):
            index.setdefault(key, []).append((word, f))
    for words in index.values():
        words.sort(key=lambda wf: -wf[1])
        del words[4:]
    return index


class Corrector:
    def __init__(self, vocabulary: Iterable[str] = (), *, fuzzy: bool = False) -> None:
        self.freq, self.total = _dictionary()
        self.index = _index(fuzzy)
        self.fuzzy = fuzzy
        self.log_total = math.log(self.total)
        self.extra: dict[str, int] = {}
        self.extra_index: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        for word in vocabulary:
            word = (word or "").strip()
            if len(word) < 2 or not _CJK.fullmatch(word):
                continue
            self.extra[word] = max(VOCAB_FREQ, self.freq.get(word, 0))
            for key in _keys(word, fuzzy):
                self.extra_index.setdefault(key, []).append((word, self.extra[word]))
        self.longest = max([MAX_WORD, *(len(w) for w in self.extra)])

    def _logp(self, freq: int) -> float:
        return math.log(max(freq, 1)) - self.log_total

    def _count(self, word: str) -> int:
        return self.extra.get(word) or self.freq.get(word, 0)

    def _run(self, text: str) -> str:
        n = len(text)
        best = [-math.inf] * (n + 1)
        back: list[tuple[int, str]] = [(0, "")] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for j in range(i + 1, min(n, i + self.longest) + 1):
                span = text[i:j]
                options: list[tuple[float, str]] = []
                f = self._count(span)
                if j == i + 1 or f > 0:
                    options.append((self._logp(f), span))
                if j - i >= 2:
                    for key in _keys(span, self.fuzzy):
                        for word, wf in (*self.index.get(key, ()), *self.extra_index.get(key, ())):
                            if word != span and len(word) == len(span):
                                changed = sum(a != b for a, b in zip(word, span, strict=True))
                                options.append((self._logp(wf) - CHANGE_COST * changed, word))
                for score, word in options:
                    if best[i] + score > best[j]:
                        best[j] = best[i] + score
                        back[j] = (i, word)
        out: list[str] = []
        j = n
        while j > 0:
            i, word = back[j]
            out.append(word)
            j = i
        return "".join(reversed(out))

    def correct(self, text: str) -> str:
        return _CJK.sub(lambda m: self._run(m.group(0)), text)


def correct(text: str, vocabulary: Iterable[str] = (), *, fuzzy: bool = False) -> str:
    return Corrector(vocabulary, fuzzy=fuzzy).correct(text)
