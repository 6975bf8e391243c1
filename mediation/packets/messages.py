"""Texts of the packets domain: (zh, en). Errors are `error.<code>` (mediation.errors),
verification findings `packet.check.<code>` and `packet.problem.<code>`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Errors raised while building or fetching a packet
    "error.packet.bad_kind": (
        "材料包类型“{kind}”无效（应为 settlement 或 enforcement）。",
        "'{kind}' is not a packet kind (settlement or enforcement).",
    ),
    "error.packet.empty_ledger": (
        "本案账本为空，无法生成材料包。",
        "The case ledger is empty; there is nothing to put in a packet.",
    ),
    "error.packet.agreement_not_on_ledger": (
        "调解协议 PDF（SHA-256 {sha256}）未记入本案账本，不能放入材料包。",
        "The agreement PDF (SHA-256 {sha256}) is not on the case ledger, so it cannot go into a packet.",
    ),
    "error.packet.not_pdf": (
        "调解协议文件不是 PDF。",
        "The agreement file is not a PDF.",
    ),
    "error.packet.bad_extra": (
        "附加信息无法写成规范 JSON（RFC 8785）：{detail}。金额请用字符串或整数（分）。",
        "The extra details cannot be written as canonical JSON (RFC 8785): {detail}. "
        "Give amounts as strings or integer fen.",
    ),
    "error.packet.blob_corrupt": (
        "证据文件 {sha256} 的内容与其哈希值不符，已停止生成材料包。",
        "Evidence file {sha256} no longer matches its hash; the packet was not built.",
    ),
    "error.packet.out_exists": (
        "输出目录 {path} 已存在。",
        "The output folder {path} already exists.",
    ),
    "error.packet.not_found": ("材料包不存在。", "No such packet."),
    "error.packet.wrong_stage": (
        "案件处于“{current}”阶段，尚不能生成材料包。",
        "The case is at stage '{current}'; a packet cannot be built yet.",
    ),
    # Titles
    "packet.kind.settlement": ("调解协议司法确认申请材料", "Settlement agreement packet"),
    "packet.kind.enforcement": ("强制执行申请材料", "Enforcement application packet"),
    # Checks printed by `mediation verify-packet`
    "packet.check.open": ("打开材料包", "open the packet"),
    "packet.check.bag": (
        "BagIt 完整校验（全部文件哈希）",
        "BagIt full validation (every file hash)",
    ),
    "packet.check.cms": (
        "清单的 CMS 签名与证书链",
        "CMS signature over the manifest and its chain",
    ),
    "packet.check.timestamp": ("RFC 3161 可信时间戳", "RFC 3161 trusted timestamp"),
    "packet.check.packet_json": ("packet.json（RFC 8785）", "packet.json (RFC 8785)"),
    "packet.check.ledger": (
        "账本记录、叶哈希、包含性证明与树根",
        "ledger entries, leaf hashes, inclusion proofs and root",
    ),
    "packet.check.checkpoint": ("检查点签名（Ed25519）", "checkpoint signature (Ed25519)"),
    "packet.check.agreement": (
        "协议书哈希与 packet.json、账本一致",
        "agreement hash matches packet.json and the ledger",
    ),
    "packet.check.evidence": (
        "证据文件哈希与 packet.json、账本一致",
        "evidence hashes match packet.json and the ledger",
    ),
    # Problems found by verification; {file} names the file concerned
    "packet.problem.unreadable": (
        "无法打开材料包：{detail}",
        "The packet cannot be opened: {detail}",
    ),
    "packet.problem.not_a_bag": (
        "不是 BagIt 材料包（缺少 bagit.txt）。",
        "Not a BagIt packet (bagit.txt is missing).",
    ),
    "packet.problem.bag_invalid": (
        "BagIt 校验失败：{detail}",
        "BagIt validation failed: {detail}",
    ),
    "packet.problem.file_modified": (
        "文件 {file} 已被改动：其 {alg} 哈希与清单不符。",
        "File {file} was modified: its {alg} hash differs from the manifest.",
    ),
    "packet.problem.file_missing": (
        "缺少文件 {file}（清单中列有）。",
        "File {file} is missing (it is listed in the manifest).",
    ),
    "packet.problem.file_unexpected": (
        "多出文件 {file}（清单中没有）。",
        "Unexpected file {file} (not in the manifest).",
    ),
    "packet.problem.signature_missing": (
        "缺少清单签名文件 {file}。",
        "The manifest signature {file} is missing.",
    ),
    "packet.problem.signature_malformed": (
        "签名文件 {file} 无法解析：{detail}",
        "The signature {file} cannot be parsed: {detail}",
    ),
    "packet.problem.signature_digest": (
        "清单 manifest-sha256.txt 与签名不符（已被改动或重新打包）。",
        "manifest-sha256.txt does not match its signature (changed or re-bagged).",
    ),
    "packet.problem.signature_invalid": (
        "签名文件 {file} 中的签名数值无效。",
        "The signature value in {file} is invalid.",
    ),
    "packet.problem.signature_untrusted": (
        "签名 {file} 的证书不是由所登记的中心根证书签发：{detail}",
        "The certificate that made {file} was not issued by the registered centre CA: {detail}",
    ),
    "packet.problem.no_trust_anchor": (
        "未提供中心根证书（centre-ca.pem），无法确认签名者身份。",
        "No centre CA certificate (centre-ca.pem) was given: the signer cannot be trusted.",
    ),
    "packet.problem.timestamp_invalid": (
        "时间戳 {file} 无效：{detail}",
        "The timestamp {file} is invalid: {detail}",
    ),
    "packet.problem.packet_json": (
        "packet.json 有误：{detail}",
        "packet.json is wrong: {detail}",
    ),
    "packet.problem.ledger_entry": (
        "账本第 {seq} 条记录有误：{reason}",
        "Ledger entry {seq} is wrong: {reason}",
    ),
    "packet.problem.ledger_changed": (
        "账本第 {seq} 条记录被改动：其哈希与 proofs.json 所列不符。",
        "Ledger entry {seq} was changed: its hash differs from proofs.json.",
    ),
    "packet.problem.root_mismatch": (
        "重算的树根与检查点不符：{detail}",
        "The recomputed root does not match the checkpoint: {detail}",
    ),
    "packet.problem.proof_invalid": (
        "第 {seq} 条记录的包含性证明无效：{detail}",
        "The inclusion proof of entry {seq} is invalid: {detail}",
    ),
    "packet.problem.checkpoint_invalid": (
        "检查点 {file} 的签名无效：{detail}",
        "The checkpoint {file} signature is invalid: {detail}",
    ),
    "packet.problem.hash_mismatch": (
        "文件 {file} 的 SHA-256 与 packet.json 不符。",
        "File {file}: its SHA-256 differs from packet.json.",
    ),
    "packet.problem.not_on_ledger": (
        "文件 {file} 的哈希不在账本第 {seq} 条记录中。",
        "File {file}: its hash is not in ledger entry {seq}.",
    ),
    "packet.problem.no_proof": (
        "文件 {file} 对应的账本记录没有包含性证明。",
        "File {file}: its ledger entry has no inclusion proof.",
    ),
    "packet.reason.not_json": ("不是有效的 JSON", "not valid JSON"),
    "packet.reason.bad_seq": ("序号与所在行不符", "its seq differs from its line"),
    "packet.reason.chain": (
        "prev 与前一条记录的哈希不符（哈希链断开）",
        "prev is not the hash of the entry before (the chain is broken)",
    ),
    "packet.reason.other_case": ("属于另一案件", "it belongs to another case"),
    # Summaries
    "packet.verify.ok": ("材料包核验通过", "packet verified"),
    "packet.verify.failed": (
        "材料包核验未通过：{count} 处问题",
        "packet FAILED: {count} problem(s)",
    ),
}
