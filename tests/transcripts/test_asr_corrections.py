"""Homophone correction (nlp.homophones) against jieba's real dictionary and pypinyin, and
where the transcriber applies it."""

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
