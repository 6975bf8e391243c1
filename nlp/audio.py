"""Reading the audio people actually have: WAV, MP3, M4A/AAC, AMR (phone recorders),
OGG/Opus, WebM (browser recordings), FLAC. Everything is decoded with PyAV (FFmpeg's
libraries bundled in its wheel, so no system ffmpeg) into 16 kHz mono float32, which both
speech-to-text backends take directly.

Problems come out as `AudioError` with a stable code; the application turns the code into
a message in the user's language:

    audio.unreadable     not an audio file we can open (wrong format, or the header is broken)
    audio.no_audio       a container without a sound track
    audio.unsupported    a format outside the list above
    audio.corrupt        opens, but decoding breaks off (truncated or damaged data)
    audio.empty          no samples at all, or shorter than MIN_SECONDS
    audio.silent         there is no signal: nothing above SILENCE_DBFS anywhere
    audio.too_long       longer than the configured maximum
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

SAMPLE_RATE = 16000
MIN_SECONDS = 0.3
# A frame is "signal" above this level. -50 dBFS is far below quiet speech on a phone
# (about -35 to -25 dBFS) and above the dither and hiss of a silent recording.
SILENCE_DBFS = -50.0
FRAME_S = 0.03

# FFmpeg demuxer name -> the format we tell the user. Only these are accepted.
FORMATS = {
    "wav": "wav",
    "mp3": "mp3",
    "mov,mp4,m4a,3gp,3g2,mj2": "m4a",
    "aac": "aac",
    "amr": "amr",
    "ogg": "ogg",
    "matroska,webm": "webm",
    "flac": "flac",
}
ACCEPTED = ("wav", "mp3", "m4a", "aac", "amr", "ogg", "webm", "flac")


class AudioError(Exception):
    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.params = params


@dataclass(frozen=True)
class AudioInfo:
    format: str  # one of ACCEPTED
    codec: str  # e.g. pcm_s16le, mp3, aac, amr_nb, opus
    duration_s: float
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class Level:
    peak_dbfs: float
    active_ratio: float  # share of 30 ms frames above SILENCE_DBFS


Source = str | Path | bytes | BinaryIO


def _open(source: Source):
    import av

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        return av.open(source if not isinstance(source, Path) else str(source), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioError("audio.unreadable", str(exc)) from None


def _format_of(container) -> str:
    name = container.format.name
    fmt = FORMATS.get(name)
    if fmt is None:
        raise AudioError("audio.unsupported", name, format=name)
    return fmt


def probe(source: Source) -> AudioInfo:
    """What the file is, from its header; nothing is decoded."""
    with _open(source) as container:
        fmt = _format_of(container)
        streams = container.streams.audio
        if not streams:
            raise AudioError("audio.no_audio")
        stream = streams[0]
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        ctx = stream.codec_context
        return AudioInfo(
            format=fmt,
            codec=ctx.name if ctx is not None else "?",
            duration_s=round(duration, 3) if duration is not None else -1.0,
            sample_rate=int(ctx.sample_rate or 0) if ctx is not None else 0,
            channels=int(ctx.channels or 0) if ctx is not None else 0,
        )


def decode(
    source: Source, *, max_seconds: float | None = None, limit_seconds: float | None = None
) -> tuple[np.ndarray, AudioInfo]:
    """16 kHz mono float32 samples in [-1, 1], and what the file was.

    `limit_seconds`: stop after that much audio (a quick check of a long upload).
    `max_seconds`: refuse a recording longer than that (audio.too_long).
    """
    import av

    with _open(source) as container:
        fmt = _format_of(container)
        if not container.streams.audio:
            raise AudioError("audio.no_audio")
        stream = container.streams.audio[0]
        ctx = stream.codec_context
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        n = 0
        stop_at = None if limit_seconds is None else int(limit_seconds * SAMPLE_RATE)
        refuse_at = None if max_seconds is None else int(max_seconds * SAMPLE_RATE)
        decoded_any = False
        try:
            for frame in container.decode(stream):
                decoded_any = True
                for out in resampler.resample(frame):
                    arr = out.to_ndarray().reshape(-1)
                    chunks.append(arr)
                    n += arr.size
                if refuse_at is not None and n > refuse_at:
                    raise AudioError(
                        "audio.too_long", max_minutes=round(max_seconds / 60), format=fmt
                    )
                if stop_at is not None and n >= stop_at:
                    break
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as exc:
            # Some damage is only found while decoding; keep what came before only if
            # it is substantial, otherwise the file is simply broken.
            if n < SAMPLE_RATE * 1:
                raise AudioError("audio.corrupt", str(exc)) from None
            raise AudioError("audio.corrupt", str(exc), seconds=round(n / SAMPLE_RATE, 1)) from None
        if not decoded_any and n == 0:
            raise AudioError("audio.empty")
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        info = AudioInfo(
            format=fmt,
            codec=ctx.name if ctx is not None else "?",
            duration_s=round(samples.size / SAMPLE_RATE, 3),
            sample_rate=int(ctx.sample_rate or 0) if ctx is not None else 0,
            channels=int(ctx.channels or 0) if ctx is not None else 0,
        )
    samples = np.clip(samples.astype(np.float32, copy=False), -1.0, 1.0)
    if samples.size < MIN_SECONDS * SAMPLE_RATE:
        raise AudioError("audio.empty", seconds=round(samples.size / SAMPLE_RATE, 2))
    return samples, info


def level(samples: np.ndarray) -> Level:
    frame = int(FRAME_S * SAMPLE_RATE)
    usable = samples[: samples.size - samples.size % frame] if samples.size >= frame else samples
    if usable.size == 0:
        return Level(-math.inf, 0.0)
    frames = usable.reshape(-1, frame) if usable.size >= frame else usable.reshape(1, -1)
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    peak = float(np.max(np.abs(usable)))
    threshold = 10 ** (SILENCE_DBFS / 20)
    return Level(
        peak_dbfs=20 * math.log10(peak) if peak > 0 else -math.inf,
        active_ratio=float(np.mean(rms > threshold)),
    )


def check_signal(samples: np.ndarray) -> Level:
    """Refuse a recording with no signal in it (audio.silent)."""
    lv = level(samples)
    if lv.active_ratio == 0.0:
        peak = lv.peak_dbfs if math.isfinite(lv.peak_dbfs) else -120.0
        raise AudioError("audio.silent", peak_dbfs=round(peak))
    return lv


def validate(source: Source, *, max_seconds: float | None = None, check_seconds: float = 120.0):
    """The quick check made when a recording is uploaded: the container and codec are
    ones we read, the first `check_seconds` decode, and they are not silent.

    Returns (AudioInfo with the full duration when the header knows it, Level of the
    checked part). A recording longer than `check_seconds` is checked in full by the
    transcription job, which fails with the same codes.
    """
    header = probe(source)
    if hasattr(source, "seek"):
        source.seek(0)
    if max_seconds is not None and header.duration_s > max_seconds:
        raise AudioError("audio.too_long", max_minutes=round(max_seconds / 60))
    samples, info = decode(source, limit_seconds=check_seconds)
    lv = check_signal(samples)
    duration = header.duration_s if header.duration_s > 0 else info.duration_s
    if samples.size < check_seconds * SAMPLE_RATE:
        duration = info.duration_s  # decoded in full: the exact length
    return AudioInfo(info.format, info.codec, duration, info.sample_rate, info.channels), lv
