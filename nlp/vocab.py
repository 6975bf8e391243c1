"""Domain vocabulary and per-variety prompts for speech recognition.

Whisper's decoder is conditioned on a text prompt: words that appear in it become more
likely, and its script and style carry over to the output. We use that for two things:

* the written style of the speaker's variety (a sentence in simplified characters, in
  the way that variety is usually written), which also keeps base models from
  answering in traditional characters;
* the words of financial disputes that a general model rarely hears (理财, 保单, 征信,
  逾期 ...) plus the names of the institutions in the case at hand.

Prompts are kept short: Whisper gives at most 223 prompt tokens, and a long list of
words the speaker never says pulls the decoder towards inventing them.
"""

from __future__ import annotations

from collections.abc import Iterable

VARIETIES = ("mandarin", "cantonese", "sichuanese", "wu", "minnan", "other")

# Whisper language code per variety. Whisper base has no separate Cantonese token
# ("yue" arrived with large-v3), so every Chinese variety decodes as "zh"; "other" lets
# the model detect the language.
LANGUAGE = {
    "mandarin": "zh",
    "cantonese": "zh",
    "sichuanese": "zh",
    "wu": "zh",
    "minnan": "zh",
    "other": None,
}

# One sentence written the way the variety is usually written (its own function words:
# Cantonese 嘅/咗/系, Wu 侬/阿拉/伐/搿), in simplified characters. Sichuanese is written
# with Mandarin characters, and so is its prompt.
# The decoder continues in the prompt's style, so dialect words come out as the
# speaker's community writes them instead of as a Mandarin paraphrase.
# Sichuanese gets the Mandarin sentence itself: naming the dialect ("以下是四川话的句子。")
# gives the model nothing it was trained on (Whisper knows no Sichuanese label), and it
# measured worse on the dev clips (CER 0.641 against 0.595, homophone correction on,
# same run).
STYLE = {
    "mandarin": "以下是普通话的句子。",
    "cantonese": "以下系广东话嘅句子。",
    "sichuanese": "以下是普通话的句子。",
    "wu": "以下是上海闲话，侬晓得伐，阿拉讲搿种闲话。",
    "minnan": "以下是闽南话的句子。",
    "other": "以下是中文的句子。",
}

# Words of consumer financial disputes that a general model rarely hears. Kept short on
# purpose: on speech the model cannot follow (strong dialect), words from the prompt are
# what it falls back to, so every listed word the speaker does not say can turn up as
# an insertion. The names of the case's own institutions come first (terms_for).
DOMAIN_TERMS = (
    "理财",
    "保单",
    "理赔",
    "征信",
    "逾期",
    "贷款",
    "信用卡",
    "违约金",
)


# Varieties the base model follows well enough for a word list to help. On the others it
# often does not follow the speech, and listed words then appear where they were never
# said (measured on the dev clips: bank names inserted into Wu); there only the case's
# own institution names are used.
DOMAIN_TERMS_FOR = frozenset({"mandarin", "cantonese"})


def terms_for(extra: Iterable[str] = (), *, domain: bool = True, limit: int = 12) -> list[str]:
    """The case's own words first (its institutions' names), then the domain list."""
    out: list[str] = []
    for term in [*extra, *(DOMAIN_TERMS if domain else ())]:
        term = (term or "").strip()
        if term and len(term) <= 30 and term not in out:
            out.append(term)
        if len(out) >= limit:
            break
    return out


def style_prompt(variety: str) -> str:
    return STYLE.get(variety, STYLE["other"])


def hotwords(extra: Iterable[str] = (), *, domain: bool = True, limit: int = 12) -> str:
    """The vocabulary as one line for faster-whisper's `hotwords`."""
    return "、".join(terms_for(extra, domain=domain, limit=limit))
