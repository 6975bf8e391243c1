"""User-visible text of recordings and transcripts, (zh, en) like mediation.i18n.MESSAGES,
which these entries are merged into. `t` looks here first, so the texts work either way."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, tuple[str, str]] = {
    # Errors (stable codes)
    "error.audio.unreadable": (
        "无法识别该文件，它可能不是录音文件或文件已损坏。请上传 WAV、MP3、M4A/AAC、AMR、OGG/Opus 或 WebM 格式的录音。",
        "This file cannot be read: it may not be a recording, or it is damaged. "
        "Upload a WAV, MP3, M4A/AAC, AMR, OGG/Opus or WebM recording.",
    ),
    "error.audio.unsupported": (
        "不支持此文件格式（{format}）。请上传 WAV、MP3、M4A/AAC、AMR、OGG/Opus 或 WebM 格式的录音。",
        "This format ({format}) is not supported. "
        "Upload a WAV, MP3, M4A/AAC, AMR, OGG/Opus or WebM recording.",
    ),
    "error.audio.no_audio": (
        "该文件中没有声音轨道。",
        "This file has no sound track.",
    ),
    "error.audio.corrupt": (
        "录音文件已损坏，无法完整读取。请重新导出或重新录制后上传。",
        "The recording is damaged and cannot be read to the end. Export or record it again.",
    ),
    "error.audio.empty": (
        "录音太短或没有内容。",
        "The recording is too short or empty.",
    ),
    "error.audio.silent": (
        "录音中没有声音（全程静音）。请检查录音设备或麦克风后重新录制。",
        "The recording is silent throughout. Check the recorder or microphone and record again.",
    ),
    "error.audio.too_long": (
        "录音超过 {max_minutes} 分钟的上限，请分段上传。",
        "The recording is longer than the {max_minutes}-minute limit; upload it in parts.",
    ),
    "error.audio.too_large": (
        "录音文件超过 {limit_mb} MB 的上限。",
        "The recording is larger than the {limit_mb} MB limit.",
    ),
    "error.audio.missing_file": (
        "请选择要上传的录音文件。",
        "Choose a recording to upload.",
    ),
    "error.transcript.unknown_variety": (
        "未知的方言类型“{variety}”。",
        "Unknown language variety '{variety}'.",
    ),
    "error.transcript.not_found": ("该录音不存在。", "No such recording."),
    "error.transcript.not_ready": (
        "转写尚未完成。",
        "The transcript is not ready yet.",
    ),
    "error.transcript.stale": (
        "转写已被他人修改（当前为第 {current} 版），请刷新后再改。",
        "Someone else changed the transcript (now version {current}); reload and edit again.",
    ),
    "error.transcript.bad_segments": (
        "转写内容格式不正确：{detail}",
        "The transcript is not in the expected form: {detail}",
    ),
    "error.transcript.unchanged": (
        "修改后的内容与当前版本相同。",
        "The corrected text is the same as the current version.",
    ),
    "error.transcript.not_failed": (
        "只有失败的转写才能重试。",
        "Only a failed transcription can be retried.",
    ),
    "error.transcript.model_missing": (
        "语音识别模型尚未安装，请联系管理员运行 bin/setup-models-asr。",
        "The speech recognition model is not installed; an administrator must run "
        "bin/setup-models-asr.",
    ),
    "error.transcript.queue_unavailable": (
        "后台任务队列暂时不可用，录音已保存，稍后可重试转写。",
        "The background queue is unavailable; the recording is saved and can be transcribed later.",
    ),
    "error.worker_lost": (
        "转写进程意外中断且多次重试未成功。",
        "The transcription worker stopped unexpectedly, and retries did not succeed.",
    ),
    "error.error": (
        "转写时发生内部错误：{detail}",
        "An internal error occurred while transcribing: {detail}",
    ),
    # Varieties
    "variety.mandarin": ("普通话", "Mandarin"),
    "variety.cantonese": ("粤语（广东话）", "Cantonese"),
    "variety.sichuanese": ("四川话", "Sichuanese"),
    "variety.wu": ("吴语（上海话）", "Wu (Shanghainese)"),
    "variety.minnan": ("闽南话", "Minnan (Hokkien)"),
    "variety.other": ("其他 / 自动识别", "Other / detect"),
    # Status
    "recording.status.queued": ("排队中", "Queued"),
    "recording.status.running": ("转写中", "Transcribing"),
    "recording.status.done": ("已完成", "Done"),
    "recording.status.failed": ("失败", "Failed"),
    # Events (case timeline)
    "event.recording_added": ("上传录音", "Recording added"),
    "event.transcript_ready": ("录音转写完成", "Recording transcribed"),
    "event.transcript_corrected": ("修改转写稿", "Transcript corrected"),
    # Page
    "recordings.title": ("录音与转写", "Recordings and transcripts"),
    "recordings.upload": ("上传录音", "Upload a recording"),
    "recordings.file": ("录音文件", "Recording"),
    "recordings.formats": (
        "支持 WAV、MP3、M4A/AAC、AMR（手机录音）、OGG/Opus、WebM（浏览器录音）",
        "WAV, MP3, M4A/AAC, AMR (phone recorders), OGG/Opus, WebM (browser recordings)",
    ),
    "recordings.variety": ("说话人的方言", "Speaker's language variety"),
    "recordings.submit": ("上传并转写", "Upload and transcribe"),
    "recordings.none": ("尚无录音。", "No recordings yet."),
    "recordings.duration": ("时长", "Length"),
    "recordings.progress": ("进度", "Progress"),
    "recordings.time_left": ("约剩 {n} 秒", "about {n} s left"),
    "recordings.open": ("查看与修改", "View and correct"),
    "recordings.retry": ("重试", "Retry"),
    "recordings.audio_hash": ("录音哈希（SHA-256）", "Audio hash (SHA-256)"),
    "transcript.title": ("转写稿", "Transcript"),
    "transcript.version": ("第 {n} 版", "Version {n}"),
    "transcript.machine": ("机器转写（原始）", "Machine transcript (original)"),
    "transcript.correction": ("调解员修改", "Mediator's correction"),
    "transcript.low_confidence": ("识别把握较低", "low confidence"),
    "transcript.save": ("保存修改（保留原稿）", "Save the correction (the original is kept)"),
    "transcript.note": ("修改说明", "What was changed"),
    "transcript.saved": ("已保存第 {n} 版。", "Version {n} saved."),
    "transcript.versions": ("历史版本", "Versions"),
    "transcript.hash": ("转写稿哈希", "Transcript hash"),
}


def t(key: str, lang: str = "zh", params: Mapping[str, object] | None = None) -> str:
    """Text from here, else from mediation.i18n (after the merge, both agree)."""
    pair = MESSAGES.get(key)
    if pair is None:
        from mediation.i18n import t as base

        return base(key, lang, params)
    text = pair[1] if lang == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError):
            return text
    return text
