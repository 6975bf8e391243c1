"""Speech to text: one interface, two Whisper backends.

    from nlp.asr import Options, load_transcriber
    tr = load_transcriber("faster-whisper", "models")       # or "openai-whisper"
    result = tr.transcribe(samples, Options(variety="cantonese", vocabulary=["某银行"]))
    for seg in result.segments: print(seg.start, seg.end, seg.text, seg.confidence)

* openai-whisper (PyTorch) is the reference; faster-whisper (CTranslate2, int8) is the
  fast one. Both read local weights only (see bin/setup-models-asr); nothing is
  downloaded at run time, and a configured directory with other Whisper weights works
  the same way (`faster-whisper-*/` for CTranslate2, `whisper-*.pt` for openai-whisper).
* Long recordings are cut by voice-activity detection (Silero VAD, bundled with
  faster-whisper) into chunks of at most CHUNK_S seconds of speech, each decoded in one
  Whisper window. Silence between chunks is never decoded, which is where Whisper
  invents text. The chunk plan is deterministic, so a job that was interrupted can
  resume at the next chunk (`start_chunk`, `on_chunk`). faster-whisper stops decoding
  a chunk once a segment reaches the end of its last speech region
  (SPEECH_END_SLACK_S): otherwise, where a window's last timestamp falls short of the
  chunk's end, Whisper encodes and decodes the rest again, which is the silence after
  the speech (loops, invented text). On long recordings (the dev clips of a variety
  joined 1 s apart; benchmarks/asr.py --joined 1.0, ablation "decode to chunk end")
  Cantonese went from 0.238 to 0.149 wall RTF (3.0x to 4.8x faster than openai-whisper
  beam 5), CER 0.240 -> 0.236; the dev clips decode as before.
  Tried and not kept: clip_timestamps ending at the speech end (faster-whisper then
  leaves the chunk's trailing CONTEXT_S out of the window): as fast, Sichuanese joined
  CER 0.611 -> 0.573, but one 30 s Cantonese dev clip read differently (Cantonese clips
  0.244 -> 0.256).
* The decoder is primed with a sentence in the variety's written style and with domain
  words (nlp.vocab): the case's institution names always, the financial-dispute list
  for the varieties the model follows well (Mandarin, Cantonese).
* Output is simplified Chinese (OpenCC t2s), with segment timestamps in seconds from the
  start of the recording and a confidence in [0, 1] (exp of the mean token log-prob).
* For the varieties written with standard Mandarin characters (Mandarin, Sichuanese) the
  text then goes through homophone correction (nlp.homophones): where Whisper wrote a
  rare or non-word for a common word that sounds the same (偏章 for 篇章), a word
  frequency dictionary picks the common word. It changes fewer than 1 in 2,000
  characters of correct text (measured on the statutes in ../shared/law/texts).

Where the time goes, and what was measured (benchmarks/asr.py, 26 dev clips of 2.7-31 s,
2 threads). Per 30 s Whisper window, int8 CTranslate2 spends about 0.47 s in the encoder
whatever the length of the speech in it (the window is padded to 30 s), and 7-10 ms per
token in greedy decoding (about twice that with beam 3). On short recordings the encoder
is half the time; on long ones the chunk plan fills each window with up to 28 s of
speech, so padding is rarely encoded. The default path runs at a wall RTF of about 0.13
on an idle machine (openai-whisper beam 5: about 0.68). Tried and not kept:

* Encoding only the chunk plus a few seconds instead of the full 30 s window (CTranslate2
  accepts shorter input): 2-5x faster encoding, but Whisper was trained on full windows
  and decodes worse without the padding: with no padding Cantonese fell into loops (CER
  2.0), with 5 s it rose from 0.24 to 0.30, with 10-20 s the changes were noise-sized
  but not reliably better. Rejected: the speed is not worth transcripts the model was
  not trained to produce.
* `without_timestamps` (one decode per chunk, no timestamp tokens, segment times from
  VAD): no measurable speed-up (0.132 -> 0.140 wall; timestamp tokens are a few per
  segment) and coarser segment times for the mediator. Not kept.
* Greedy for Cantonese and Mandarin: Cantonese CER 0.244 -> 0.299, Mandarin 0.080 ->
  0.140, for 2 % less time (the encoder dominates). Beam 2: Cantonese 0.256, no faster
  than beam 3. Beam 3 for every variety: no better on Sichuanese and Wu, 14 % slower.
* Temperature fallback on low log-prob (Whisper's -1.0): most dialect windows fall below
  it and are decoded up to six times; slower, and the sampled text was not better.
  Only the compression-ratio check (a decoding loop) triggers the fallback.
* Batched decoding of VAD chunks (faster-whisper's BatchedInferencePipeline, batch 4
  and 8) on an 81 s recording of the Cantonese clips joined: RTF 0.060 and 0.045
  against 0.078 one chunk after another (CPU 0.025 against 0.038: batched matrix
  products use the cores better), but CER 0.579 against 0.319: its own VAD packs up to
  30 s of speech per window and decodes without timestamps, and whole sentences were
  lost (see MERGE_GAP_S). Each dev clip is a single chunk, where batching gives nothing.
  Not kept; batching our own per-sentence chunks would be the next thing to try.

No Flask here: the application wraps this in a background job.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp import vocab
from nlp.audio import SAMPLE_RATE

BACKENDS = ("faster-whisper", "openai-whisper")
CHUNK_S = 28.0  # at most this much speech per chunk
CONTEXT_S = 1.0  # audio kept before and after a chunk's speech: a chunk stays within 30 s
PAD_S = 0.2  # the VAD's own padding of each speech region
# Speech regions closer than this stay in one chunk; a longer pause starts a new chunk.
# Whisper base, given a window holding several sentences with pauses between them, often
# writes the first and stops, or stamps it with a time that covers the rest of the window:
# the rest is lost. Measured on long recordings made of the dev clips of one variety with
# 0.8-1.5 s pauses between them: with 4 s (one window for up to 28 s of speech) CER
# cantonese 0.303-0.382, sichuanese 0.611-0.718, wu 0.838-0.896; with 0.6-1 s (about a
# chunk per sentence) 0.248-0.295, 0.542-0.595, 0.825, close to the clips decoded one by
# one, for 0.02-0.07 more RTF (more, shorter windows). The clips themselves decode the
# same (no pause over 1 s inside them).
MERGE_GAP_S = 1.0
# A guard for the same failure inside a chunk: a chunk whose text is this short for its
# speech is decoded again, cut at its longest pause, and the halves are kept if they say
# more (Chinese speech runs at 3-5 characters a second, slow elderly speech about 2; the
# windows that had lost sentences gave 0.8-2.4). On the dev clips it costs about 4 %
# more time; on the long recordings it brought Mandarin from 0.30 to 0.04 with the 4 s
# merge gap.
MIN_CHARS_PER_S = 2.5
TOKENS_PER_S = 12  # the most tokens decoded per second of a chunk's audio (+ 24)
# faster-whisper stops decoding a chunk at its first segment that ends within this much
# of the end of the chunk's last VAD speech region (which includes the VAD's PAD_S).
SPEECH_END_SLACK_S = 0.5
MAX_NEW_TOKENS = 300  # Whisper's limit is 448 including the prompt (up to ~120 here)


class ModelMissing(Exception):
    """The weights are not in the model directory (run bin/setup-models-asr)."""


BEAM_BY_VARIETY = {"cantonese": 3, "mandarin": 3}
# Varieties whose transcripts get homophone correction, and whether their sounds are
# compared with the Southwestern Mandarin mergers (z/zh, c/ch, s/sh, n/l, -n/-ng).
# Cantonese and Wu are written with their own characters and do not sound like Mandarin
# pinyin: correcting them towards Mandarin words made them worse on the dev clips.
HOMOPHONES_FOR = {"mandarin": False, "sichuanese": True}


@dataclass
class Options:
    variety: str = "mandarin"
    # None: the variety's beam (BEAM_BY_VARIETY). Beam 3 is as accurate as beam 5 on the
    # dev clips and clearly better than greedy on Cantonese and Mandarin; elsewhere greedy
    # was as good or better and runs about twice as fast.
    beam_size: int | None = None
    # Decoding falls back to these temperatures when the output looks wrong (too
    # repetitive or too unlikely): Whisper's standard remedy for loops.
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    # Fall back only when the text repeats itself (gzip ratio above 2.4, a decoding
    # loop), not when the model is merely unsure: on dialect speech a low log-prob is the
    # rule, re-decoding it up to five more times costs several times the decode and the
    # sampled text is rarely better.
    logprob_threshold: float | None = None
    # Whisper's own "no speech in this window" skip. Off by default: VAD has already
    # decided where the speech is, and Whisper base rates much dialect speech as
    # non-speech (Cantonese windows were dropped whole).
    no_speech_threshold: float | None = None
    vad: bool = True
    prompt: bool = True  # the variety's style sentence
    vocabulary: Sequence[str] = ()  # case-specific words (institution names ...)
    domain_terms: bool = True  # add nlp.vocab's financial-dispute words
    simplified: bool = True
    language: str | None = "variety"  # "variety": from the variety; None: detect
    # Homophone correction with a word-frequency dictionary (nlp.homophones), for the
    # varieties written with standard Mandarin characters (HOMOPHONES_FOR).
    homophones: bool = True
    # Stop decoding a chunk at the end of its speech (VAD) instead of the chunk's end.
    stop_at_speech_end: bool = True


@dataclass
class Segment:
    start: float
    end: float
    text: str
    confidence: float
    no_speech_prob: float = 0.0

    def as_dict(self) -> dict:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "text": self.text,
            "confidence": round(self.confidence, 3),
        }


@dataclass
class Result:
    segments: list[Segment]
    duration_s: float
    language: str | None
    backend: str
    model: str
    chunks: int
    elapsed_s: float = 0.0

    @property
    def text(self) -> str:
        return join_text(s.text for s in self.segments)


@dataclass(frozen=True)
class Chunk:
    start: int  # sample index into the recording
    end: int
    # the speech regions (sample ranges) inside, where VAD found them
    regions: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def seconds(self) -> float:
        return (self.end - self.start) / SAMPLE_RATE


@dataclass
class _Raw:
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float


# ---------------------------------------------------------------- text clean-up

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。？！、：；])\s+(?=[{_CJK}，。？！、：；])")
# A phrase of 1-10 characters repeated 5 or more times in a row: a decoding loop.
_LOOP = re.compile(r"(.{1,10}?)\1{4,}")
# Whisper writes ASCII punctuation inside Chinese text.
_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", ".": "。"}
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}])\s*([,?!:;.])(?!\d)\s*")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def clean_text(text: str, simplified: bool = True) -> str:
    text = text.strip()
    if simplified:
        text = to_simplified(text)
    text = _ASCII_PUNCT.sub(lambda m: _FULL_WIDTH[m.group(1)], text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _LOOP.sub(lambda m: m.group(1) * 2, text)
    return text


def join_text(parts: Iterable[str]) -> str:
    out = ""
    for part in parts:
        if out and part and re.match(rf"[{_CJK}]", part[0]) and re.search(rf"[{_CJK}]$", out):
            out += part
        elif out and part:
            out += "" if re.search(rf"[{_CJK}，。？！]$", out) else " "
            out += part
        else:
            out += part
    return out


# ---------------------------------------------------------------- chunking


def _energy_regions(samples: np.ndarray) -> list[tuple[int, int]]:
    """Fallback VAD: 30 ms frames clearly above the noise floor."""
    frame = int(0.03 * SAMPLE_RATE)
    n = samples.size // frame
    if n == 0:
        return []
    rms = np.sqrt(np.mean(np.square(samples[: n * frame].reshape(n, frame)), axis=1) + 1e-12)
    floor = np.percentile(rms, 10)
    threshold = max(floor * 3, 10 ** (-45 / 20))
    active = rms > threshold
    regions: list[tuple[int, int]] = []
    start = None
    for i, on in enumerate(active):
        if on and start is None:
            start = i
        elif not on and start is not None:
            regions.append((start * frame, i * frame))
            start = None
    if start is not None:
        regions.append((start * frame, n * frame))
    return [(a, b) for a, b in regions if b - a >= 0.2 * SAMPLE_RATE]


def speech_regions(samples: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) sample ranges with speech, none longer than CHUNK_S."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:  # openai-whisper alone: energy-based detection
        regions = _energy_regions(samples)
    else:
        opts = VadOptions(
            threshold=0.35,  # lenient: dialect and elderly speech is often soft
            min_speech_duration_ms=150,
            max_speech_duration_s=CHUNK_S,
            min_silence_duration_ms=500,
            speech_pad_ms=int(PAD_S * 1000),
        )
        regions = [(r["start"], r["end"]) for r in get_speech_timestamps(samples, opts)]
    return regions


def plan_chunks(samples: np.ndarray, vad: bool = True) -> list[Chunk]:
    """Cut a recording into chunks that each fit one Whisper window.

    With VAD: speech regions are merged while the span stays under CHUNK_S and the
    pause between them is under MERGE_GAP_S; each chunk keeps CONTEXT_S of the audio
    around its speech. Longer silences fall between chunks and are never decoded. A
    short recording with no long pause is one chunk: the whole recording. Without VAD:
    fixed windows.
    """
    total = samples.size
    limit = int(CHUNK_S * SAMPLE_RATE)
    if not vad:
        return [Chunk(a, min(a + limit, total)) for a in range(0, total, limit)]
    spans: list[list] = []
    gap = int(MERGE_GAP_S * SAMPLE_RATE)
    for a, b in speech_regions(samples):
        if spans and a - spans[-1][1] <= gap and b - spans[-1][0] <= limit:
            spans[-1][1] = b
            spans[-1][2].append((a, b))
        else:
            spans.append([a, min(b, a + limit), [(a, min(b, a + limit))]])
    context = int(CONTEXT_S * SAMPLE_RATE)
    chunks: list[Chunk] = []
    for a, b, regions in spans:
        start = max(a - context, chunks[-1].end if chunks else 0)
        chunks.append(Chunk(start, min(b + context, total), tuple(regions)))
    return chunks


def split_chunk(chunk: Chunk) -> tuple[Chunk, Chunk] | None:
    """The chunk cut in two at the longest pause between its speech regions."""
    regions = chunk.regions
    if len(regions) < 2:
        return None
    k = max(range(1, len(regions)), key=lambda i: regions[i][0] - regions[i - 1][1])
    middle = (regions[k - 1][1] + regions[k][0]) // 2
    context = int(CONTEXT_S * SAMPLE_RATE)
    left_end = min(regions[k - 1][1] + context, middle)
    right_start = max(regions[k][0] - context, middle)
    return (
        Chunk(chunk.start, left_end, regions[:k]),
        Chunk(right_start, chunk.end, regions[k:]),
    )


# ---------------------------------------------------------------- backends


def _threads() -> int:
    return int(os.environ.get("ASR_THREADS") or min(os.cpu_count() or 2, 8))


class _FasterWhisper:
    name = "faster-whisper"

    def __init__(self, model_dir: Path, compute_type: str = "int8") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        self.model_name = model_dir.name
        self.model = WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=_threads(),
            local_files_only=True,
        )

    def decode(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        prompt: str | None,
        hotwords: str | None,
        beam_size: int,
        temperatures: tuple[float, ...],
        logprob_threshold: float | None = None,
        no_speech_threshold: float | None = None,
        on_progress: Callable[[float], None] | None = None,
        speech_end: float | None = None,
    ) -> tuple[list[_Raw], str | None]:
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=beam_size,
            # A fallback (the output looped) samples one candidate per temperature, and
            # no output runs past what the audio could hold (Chinese speech: under 6
            # characters, about 10 tokens, a second): a loop that would fill all 448
            # tokens, up to six times and three candidates each, took 15 s on one
            # 1 s tail of a long recording.
            best_of=1,
            max_new_tokens=min(MAX_NEW_TOKENS, int(TOKENS_PER_S * audio.size / SAMPLE_RATE) + 24),
            temperature=list(temperatures),
            initial_prompt=prompt or None,
            hotwords=hotwords or None,
            condition_on_previous_text=False,
            log_prob_threshold=logprob_threshold,
            no_speech_threshold=no_speech_threshold,
            vad_filter=False,
        )
        out = []
        for s in segments:
            out.append(_Raw(s.start, s.end, s.text, s.avg_logprob, s.no_speech_prob))
            if on_progress:
                on_progress(s.end)
            # Segments come one window at a time, lazily. Once one reaches the end of the
            # speech, stop: otherwise, where the window's last timestamp falls short of
            # the audio's end, the rest (the silence after the speech) is encoded and
            # decoded again, with looping or invented text. The window itself is
            # encoded whole, as before (its trailing context included).
            if speech_end is not None and s.end >= speech_end - SPEECH_END_SLACK_S:
                break
        return out, info.language


class _OpenAIWhisper:
    name = "openai-whisper"

    def __init__(self, checkpoint: Path) -> None:
        import torch
        import whisper

        torch.set_num_threads(_threads())
        self.model_name = checkpoint.stem
        self.model = whisper.load_model(str(checkpoint), device="cpu")
        heads = getattr(whisper, "_ALIGNMENT_HEADS", {}).get(
            checkpoint.stem.removeprefix("whisper-")
        )
        if heads:
            self.model.set_alignment_heads(heads)

    def decode(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        prompt: str | None,
        hotwords: str | None,
        beam_size: int,
        temperatures: tuple[float, ...],
        logprob_threshold: float | None = None,
        no_speech_threshold: float | None = None,
        on_progress: Callable[[float], None] | None = None,
        speech_end: float | None = None,  # not used: openai-whisper decodes the chunk whole
    ) -> tuple[list[_Raw], str | None]:
        if hotwords:
            prompt = (prompt or "") + hotwords
        options: dict = {"fp16": False}
        if beam_size > 1:
            options.update(beam_size=beam_size, best_of=beam_size)
        result = self.model.transcribe(
            audio,
            language=language,
            temperature=temperatures if len(temperatures) > 1 else temperatures[0],
            initial_prompt=prompt or None,
            condition_on_previous_text=False,
            logprob_threshold=logprob_threshold,
            no_speech_threshold=no_speech_threshold,
            verbose=None,
            **options,
        )
        out = [
            _Raw(s["start"], s["end"], s["text"], s["avg_logprob"], s["no_speech_prob"])
            for s in result["segments"]
        ]
        if on_progress and out:
            on_progress(out[-1].end)
        return out, result.get("language")


def find_weights(backend: str, model_dir: str | os.PathLike[str]) -> Path:
    """The weights for a backend inside a model directory (or the path itself)."""
    root = Path(model_dir)
    if backend == "faster-whisper":
        if (root / "model.bin").is_file():
            return root
        for name in ("faster-whisper-base",):
            if (root / name / "model.bin").is_file():
                return root / name
        found = sorted(p.parent for p in root.glob("faster-whisper-*/model.bin"))
    elif backend == "openai-whisper":
        if root.is_file() and root.suffix == ".pt":
            return root
        if (root / "whisper-base.pt").is_file():
            return root / "whisper-base.pt"
        found = sorted(root.glob("whisper-*.pt"))
    else:
        raise ValueError(f"unknown ASR backend {backend!r}; choose one of {BACKENDS}")
    if not found:
        raise ModelMissing(
            f"no {backend} weights in {root} (run bin/setup-models-asr, or set ASR_MODEL_DIR)"
        )
    return found[0]


class Transcriber:
    def __init__(self, backend: str, model_dir: str | os.PathLike[str]) -> None:
        weights = find_weights(backend, model_dir)
        self.backend = backend
        self.engine = (
            _FasterWhisper(weights) if backend == "faster-whisper" else _OpenAIWhisper(weights)
        )
        self.model = self.engine.model_name
        # One model instance decodes one chunk at a time (CTranslate2 and torch already
        # use every configured thread for a single chunk).
        self._lock = threading.Lock()

    def plan(self, samples: np.ndarray, options: Options) -> list[Chunk]:
        return plan_chunks(samples, options.vad)

    def transcribe(
        self,
        samples: np.ndarray,
        options: Options | None = None,
        *,
        chunks: list[Chunk] | None = None,
        start_chunk: int = 0,
        on_chunk: Callable[[int, list[Segment]], None] | None = None,
        on_progress: Callable[[float, float], None] | None = None,
    ) -> Result:
        """Transcribe 16 kHz mono float32 samples.

        `on_progress(done_s, total_s)` is called as audio is covered; `on_chunk(i,
        segments)` after each chunk (save them to resume later with `start_chunk=i+1`).
        """
        options = options or Options()
        began = time.perf_counter()
        total = samples.size / SAMPLE_RATE
        chunks = chunks if chunks is not None else self.plan(samples, options)
        language = (
            vocab.LANGUAGE.get(options.variety)
            if options.language == "variety"
            else options.language
        )
        extra = [t for t in options.vocabulary if t]
        with_domain = options.domain_terms and options.variety in vocab.DOMAIN_TERMS_FOR
        terms = vocab.hotwords(extra, domain=with_domain)
        prompt = vocab.style_prompt(options.variety) if options.prompt else None
        hotwords = terms or None
        corrector = None
        if options.homophones and options.variety in HOMOPHONES_FOR:
            from nlp.homophones import Corrector

            corrector = Corrector(
                [*extra, *(vocab.DOMAIN_TERMS if options.domain_terms else ())],
                fuzzy=HOMOPHONES_FOR[options.variety],
            )
        segments: list[Segment] = []
        detected = language
        for i, chunk in enumerate(chunks):
            if i < start_chunk:
                continue
            offset = chunk.start / SAMPLE_RATE

            def progress(t: float, offset=offset, length=chunk.seconds) -> None:
                if on_progress:
                    on_progress(min(offset + min(t, length), total), total)

            def decode(part: Chunk, on_progress=None) -> tuple[list[Segment], str | None]:
                with self._lock:
                    raw, lang = self.engine.decode(
                        samples[part.start : part.end],
                        language=language,
                        prompt=prompt,
                        hotwords=hotwords,
                        beam_size=options.beam_size or BEAM_BY_VARIETY.get(options.variety, 1),
                        temperatures=tuple(options.temperatures),
                        logprob_threshold=options.logprob_threshold,
                        no_speech_threshold=options.no_speech_threshold
                        if options.vad
                        else (options.no_speech_threshold or 0.6),
                        on_progress=on_progress,
                        speech_end=_speech_end(part) if options.stop_at_speech_end else None,
                    )
                return _postprocess(raw, part.start / SAMPLE_RATE, part, options), lang

            found, lang = decode(chunk, progress)
            detected = detected or lang
            if options.vad:
                found = _recover_dropped(found, chunk, decode)
            if corrector:
                for seg in found:
                    seg.text = corrector.correct(seg.text)
            segments.extend(found)
            if on_chunk:
                on_chunk(i, found)
            if on_progress:
                on_progress(chunk.end / SAMPLE_RATE, total)
        if on_progress:
            on_progress(total, total)
        return Result(
            segments=segments,
            duration_s=round(total, 3),
            language=detected,
            backend=self.backend,
            model=self.model,
            chunks=len(chunks),
            elapsed_s=round(time.perf_counter() - began, 3),
        )


def _speech_end(chunk: Chunk) -> float | None:
    """Seconds from the chunk's start to the end of its last speech region."""
    if not chunk.regions:
        return None
    end = (chunk.regions[-1][1] - chunk.start) / SAMPLE_RATE
    return end if end < chunk.seconds else None


def _too_short(found: list[Segment], chunk: Chunk) -> bool:
    speech = sum(b - a for a, b in chunk.regions) / SAMPLE_RATE
    chars = sum(len(re.sub(r"\W", "", s.text)) for s in found)
    return chars < MIN_CHARS_PER_S * speech


def _recover_dropped(
    found: list[Segment],
    chunk: Chunk,
    decode: Callable[[Chunk], tuple[list[Segment], str | None]],
) -> list[Segment]:
    """Decode a chunk again in two halves (and so on) where its text is too short."""
    halves = split_chunk(chunk) if _too_short(found, chunk) else None
    if not halves:
        return found
    again: list[Segment] = []
    for half in halves:
        part, _lang = decode(half)
        again.extend(_recover_dropped(part, half, decode))

    def size(segs: list[Segment]) -> int:
        return sum(len(s.text) for s in segs)

    # Only where the halves say more: a window that really holds little speech (music,
    # a cough) keeps its first reading.
    return again if size(again) > size(found) else found


def _postprocess(raw: list[_Raw], offset: float, chunk: Chunk, options: Options) -> list[Segment]:
    out: list[Segment] = []
    limit = chunk.seconds
    for r in raw:
        text = clean_text(r.text, options.simplified)
        if not text:
            continue
        # Whisper's own rule for a window it thinks holds no speech, where no VAD ran.
        if not options.vad and r.no_speech_prob > 0.6 and r.avg_logprob < -1.0:
            continue
        start = offset + max(0.0, min(r.start, limit))
        end = offset + max(0.0, min(max(r.end, r.start), limit))
        out.append(
            Segment(
                start=round(start, 2),
                end=round(end, 2),
                text=text,
                confidence=float(min(1.0, max(0.0, math.exp(r.avg_logprob)))),
                no_speech_prob=float(r.no_speech_prob),
            )
        )
    return out


_CACHE: dict[tuple[str, str], Transcriber] = {}
_CACHE_LOCK = threading.Lock()


def load_transcriber(backend: str, model_dir: str | os.PathLike[str]) -> Transcriber:
    """A transcriber per (backend, directory), loaded once per process."""
    key = (backend, str(Path(model_dir).resolve()))
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = Transcriber(backend, model_dir)
        return _CACHE[key]


def check_models(model_dir: str | os.PathLike[str]) -> list[str]:
    """Load each backend from the directory; one line per backend (for setup scripts)."""
    lines = []
    for backend in BACKENDS:
        try:
            Transcriber(backend, model_dir)
            lines.append(f"{backend}: ok ({find_weights(backend, model_dir)})")
        except ModelMissing as exc:
            lines.append(f"{backend}: missing: {exc}")
    return lines


def result_dict(result: Result) -> dict:
    d = asdict(result)
    d["segments"] = [s.as_dict() for s in result.segments]
    d["text"] = result.text
    return d


__all__ = [
    "BACKENDS",
    "Chunk",
    "ModelMissing",
    "Options",
    "Result",
    "Segment",
    "Transcriber",
    "clean_text",
    "find_weights",
    "load_transcriber",
    "plan_chunks",
    "to_simplified",
]
