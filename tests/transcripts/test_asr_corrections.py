"""Corrections of what Whisper base gets wrong: homophones (nlp.homophones, against jieba's real
dictionary and pypinyin) and sentences dropped from a long window (split and decode again)."""

from __future__ import annotations

import numpy as np
import pytest

from nlp import asr
from nlp.homophones import Corrector, correct

pytest.importorskip("pypinyin")


def test_a_rare_homophone_becomes_the_common_word():
    assert correct("这是一个偏章的结束，也是新偏章的开始。") == (
        "这是一个篇章的结束，也是新篇章的开始。"
    )
    assert correct("他的心用卡逾棋了") == "他的信用卡逾期了"


def test_common_characters_and_real_words_are_left_alone():
    for text in (
        "是的我知道",
        "兰州拉面",
        "希望你以后能够做的比我还好用",
        "人民调解委员会调解纠纷",
    ):
        assert correct(text) == text
    # Latin letters, digits and punctuation pass through untouched
    assert correct("利率3.5%，APP里写的") == "利率3.5%，APP里写的"


def test_southwestern_mergers_only_when_asked():
    # n/l are one sound in Sichuanese: 蓝京 (lan jing) is 南京 (nan jing) there
    assert correct("蓝京的天气") == "蓝京的天气"
    assert correct("蓝京的天气", fuzzy=True) == "南京的天气"


def test_case_vocabulary_is_kept_and_pulled_towards():
    name = "甬泰银行"  # not in the dictionary
    corrector = Corrector([name])
    assert corrector.correct(f"我在{name}买了理财") == f"我在{name}买了理财"
    assert corrector.correct("我在勇泰银行买了理财") == f"我在{name}买了理财"
    assert name not in correct("我在勇泰银行买了理财")  # without the case's names


class _Engine:
    """Stands in for a Whisper backend: answers every chunk with a fixed text."""

    name = "fake"
    model_name = "fake"

    def __init__(self, text):
        self.text = text

    def decode(self, audio, **kwargs):
        return [asr._Raw(0.0, audio.size / 16000, self.text, -0.2, 0.0)], "zh"


@pytest.mark.parametrize(
    ("variety", "homophones", "expected"),
    [
        ("mandarin", True, "新篇章的开始"),
        ("sichuanese", True, "新篇章的开始"),
        ("mandarin", False, "新偏章的开始"),
        ("cantonese", True, "新偏章的开始"),  # written in its own characters: left alone
        ("wu", True, "新偏章的开始"),
    ],
)
def test_the_transcriber_corrects_only_mandarin_written_varieties(variety, homophones, expected):
    tr = asr.Transcriber.__new__(asr.Transcriber)
    tr.backend, tr.model, tr.engine = "fake", "fake", _Engine("新偏章的开始")
    tr._lock = asr.threading.Lock()
    samples = np.zeros(16000 * 3, np.float32)
    result = tr.transcribe(
        samples,
        asr.Options(variety=variety, vad=False, homophones=homophones),
    )
    assert result.text == expected
    assert result.segments[0].end == 3.0


class _DropsSentences(_Engine):
    """Like Whisper base on a long window: only the first sentence comes out."""

    def __init__(self):
        self.calls = []

    def decode(self, audio, **kwargs):
        seconds = audio.size / 16000
        self.calls.append(round(seconds, 1))
        text = "甲乙丙丁戊己庚辛" if seconds < 8 else "甲乙丙"
        return [asr._Raw(0.0, seconds, text, -0.2, 0.0)], "zh"


def test_a_chunk_that_lost_its_later_sentences_is_decoded_again_in_halves(monkeypatch):
    sr = 16000
    regions = [(1 * sr, 4 * sr), (5 * sr, 8 * sr), (9 * sr, 12 * sr)]  # 1 s pauses
    monkeypatch.setattr("nlp.asr.speech_regions", lambda s: regions)
    monkeypatch.setattr("nlp.asr.MERGE_GAP_S", 4.0)  # all three in one chunk
    tr = asr.Transcriber.__new__(asr.Transcriber)
    tr.backend, tr.model, tr.engine = "fake", "fake", _DropsSentences()
    tr._lock = asr.threading.Lock()
    result = tr.transcribe(np.zeros(14 * sr, np.float32), asr.Options(variety="wu"))
    assert result.chunks == 1
    # 3 characters for 9 s of speech: too few; the halves (then their halves) are decoded
    assert len(tr.engine.calls) > 1
    assert result.text.count("甲乙丙丁戊己庚辛") == 3
    assert [s.start for s in result.segments] == sorted(s.start for s in result.segments)
    assert all(0 <= s.start <= s.end <= 14 for s in result.segments)


def test_split_cuts_at_the_longest_pause():
    sr = 16000
    chunk = asr.Chunk(0, 20 * sr, ((1 * sr, 4 * sr), (5 * sr, 8 * sr), (11 * sr, 19 * sr)))
    left, right = asr.split_chunk(chunk)
    assert left.regions == ((1 * sr, 4 * sr), (5 * sr, 8 * sr))
    assert right.regions == ((11 * sr, 19 * sr),)
    assert left.end <= right.start
    assert asr.split_chunk(asr.Chunk(0, 5 * sr, ((sr, 4 * sr),))) is None


class _RecordsSpeechEnd(_Engine):
    def __init__(self):
        self.text = "甲乙丙丁戊己庚辛壬癸"
        self.speech_ends = []

    def decode(self, audio, **kwargs):
        self.speech_ends.append(kwargs["speech_end"])
        return super().decode(audio, **kwargs)


@pytest.mark.parametrize("stop", [True, False])
def test_decoding_stops_at_the_end_of_the_chunks_speech(monkeypatch, stop):
    sr = 16000
    # two chunks; each keeps CONTEXT_S of audio after its speech, which is not decoded
    regions = [(2 * sr, 5 * sr), (10 * sr, 13 * sr)]
    monkeypatch.setattr("nlp.asr.speech_regions", lambda s: regions)
    tr = asr.Transcriber.__new__(asr.Transcriber)
    tr.backend, tr.model, tr.engine = "fake", "fake", _RecordsSpeechEnd()
    tr._lock = asr.threading.Lock()
    options = asr.Options(variety="wu", stop_at_speech_end=stop)
    result = tr.transcribe(np.zeros(20 * sr, np.float32), options)
    assert result.chunks == 2
    if stop:
        # chunk 1 starts at 1 s (CONTEXT_S before the speech), chunk 2 at 9 s
        expected = 5 - 1
        assert tr.engine.speech_ends == [pytest.approx(expected)] * 2
    else:
        assert tr.engine.speech_ends == [None, None]
    # without VAD there is no speech end to stop at
    tr.engine.speech_ends.clear()
    tr.transcribe(np.zeros(20 * sr, np.float32), asr.Options(variety="wu", vad=False))
    assert tr.engine.speech_ends == [None]


def test_speech_end_is_none_where_the_speech_runs_to_the_chunks_end():
    sr = 16000
    assert asr._speech_end(asr.Chunk(0, 5 * sr, ((sr, 5 * sr),))) is None
    assert asr._speech_end(asr.Chunk(0, 5 * sr)) is None
    assert asr._speech_end(asr.Chunk(sr, 8 * sr, ((2 * sr, 6 * sr),))) == pytest.approx(5.0)
