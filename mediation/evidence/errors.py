"""Errors of the evidence domain: a stable code plus the message in Chinese and English.

EvidenceError is a UserError, so the web layer renders it like every other user-facing
error; the texts live here until they move into mediation.i18n.
"""

from __future__ import annotations

from mediation.errors import UserError

# code -> (HTTP status, zh, en); {name} fields come from the error's params.
MESSAGES: dict[str, tuple[int, str, str]] = {
    "blob.empty": (400, "上传的文件是空的。", "The uploaded file is empty."),
    "blob.too_large": (
        413,
        "文件超过 {limit_mb} MB 的上限。",
        "The file is larger than the {limit_mb} MB limit.",
    ),
    "blob.type_not_allowed": (
        415,
        "不接受此类文件（识别为 {media_type}）。可上传：PDF、图片、音频、文本、Word/Excel、OFD。",
        "This kind of file is not accepted (recognised as {media_type}). "
        "Accepted: PDF, images, audio, text, Word/Excel, OFD.",
    ),
    "blob.not_found": (404, "文件 {sha256} 不存在。", "File {sha256} does not exist."),
    "blob.corrupt": (
        500,
        "文件 {sha256} 的内容与其哈希值不符。",
        "The content of file {sha256} does not match its hash.",
    ),
    "blob.bad_address": (400, "“{sha256}”不是有效的 SHA-256 值。", "'{sha256}' is not a SHA-256."),
    "blob.hash_mismatch": (
        400,
        "上传内容的 SHA-256 与客户端声明的值不一致。",
        "The SHA-256 of the upload differs from the value the client declared.",
    ),
    "ledger.bad_type": (
        400,
        "账本条目类型“{entry_type}”无效。",
        "'{entry_type}' is not a valid ledger entry type.",
    ),
    "ledger.bad_payload": (
        400,
        "账本条目内容无效：{detail}",
        "The ledger entry payload is invalid: {detail}",
    ),
    "ledger.personal_data": (
        400,
        "账本条目不得包含个人信息（字段“{field}”）。请只记录编号或哈希值。",
        "Ledger entries must not carry personal data (field '{field}'). "
        "Record an id or a hash instead.",
    ),
    "ledger.no_case": (404, "案件 {case_id} 不存在。", "Case {case_id} does not exist."),
    "ledger.bad_size": (
        400,
        "树大小 {size} 超出账本范围（共 {tree_size} 条）。",
        "Tree size {size} is outside the ledger ({tree_size} entries).",
    ),
    "ledger.no_entry": (
        404,
        "案件 {case_id} 的账本中没有第 {seq} 条。",
        "Case {case_id} has no ledger entry {seq}.",
    ),
    "evidence.not_found": (404, "证据不存在。", "No such evidence item."),
    "evidence.already_withdrawn": (
        409,
        "该证据已于 {when} 撤回。",
        "This evidence was already withdrawn on {when}.",
    ),
    "evidence.withdraw_forbidden": (
        403,
        "只有提交人或调解中心工作人员可以撤回证据。",
        "Only whoever added the evidence, or centre staff, may withdraw it.",
    ),
    "evidence.reason_required": (400, "撤回证据必须填写理由。", "A reason is required."),
    "checkpoint.no_key": (
        500,
        "找不到账本签名密钥 {key_id}。",
        "The ledger signing key {key_id} cannot be found.",
    ),
    "timestamp.failed": (
        502,
        "时间戳服务未能签发时间戳：{detail}",
        "The time-stamping authority did not issue a timestamp: {detail}",
    ),
}


class EvidenceError(UserError):
    """A refusal a user or operator can act on. `code` is stable; texts may change."""

    def __init__(
        self,
        code: str,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        status: int | None = None,
        **params: object,
    ) -> None:
        default_status, zh, en = MESSAGES.get(code, (400, code, code))
        super().__init__(code, status or default_status, **params)
        self.message_zh = message_zh if message_zh is not None else zh.format(**params)
        self.message_en = message_en if message_en is not None else en.format(**params)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"
