"""Small audio files made on the fly, in every accepted format (PyAV encoders)."""

from __future__ import annotations

import io

import numpy as np

# format -> (container, codec, sample rate)
ENCODINGS = {
    "wav": ("wav", "pcm_s16le", 16000),
    "mp3": ("mp3", "libmp3lame", 16000),
    "m4a": ("ipod", "aac", 16000),
    "amr": ("amr", "libopencore_amrnb", 8000),
    "ogg": ("ogg", "libopus", 48000),
    "webm": ("webm", "libopus", 48000),
    "flac": ("flac", "flac", 16000),
}


def voice_like(seconds: float, rate: int = 16000, level: float = 0.3) -> np.ndarray:
    """A vowel-like harmonic tone with syllable-rate amplitude changes."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 140 + 20 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    out = level * tone * envelope / np.max(np.abs(tone))
    return out.astype(np.float32)


def encode(samples: np.ndarray, fmt: str, rate: int = 16000) -> bytes:
    import av

    container_fmt, codec, out_rate = ENCODINGS[fmt]
    if out_rate != rate:
        idx = np.linspace(0, samples.size - 1, int(samples.size * out_rate / rate))
        samples = np.interp(idx, np.arange(samples.size), samples).astype(np.float32)
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_fmt) as out:
        stream = out.add_stream(codec, rate=out_rate)
        stream.layout = "mono"
        if codec == "libopencore_amrnb":
            stream.bit_rate = 12200
        frame_size = stream.codec_context.frame_size or 1024
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        pts = 0
        for start in range(0, pcm.size, frame_size):
            chunk = pcm[start : start + frame_size]
            if chunk.size < frame_size and codec in ("libopus", "libopencore_amrnb", "aac"):
                chunk = np.pad(chunk, (0, frame_size - chunk.size))
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = out_rate
            frame.pts = pts
            pts += chunk.size
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def make(fmt: str, seconds: float = 2.0, *, silent: bool = False) -> bytes:
    samples = np.zeros(int(seconds * 16000), np.float32) if silent else voice_like(seconds)
    return encode(samples, fmt)
