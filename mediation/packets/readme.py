"""data/README.txt of a packet: what it is and the exact commands a clerk runs, zh + en."""

from __future__ import annotations

TITLES = {
    "settlement": (
        "人民调解协议司法确认申请材料",
        "Settlement agreement: packet for judicial confirmation",
    ),
    "enforcement": ("强制执行申请材料", "Enforcement application packet"),
}

TEMPLATE = """\
{title_zh}
{title_en}
{rule}

调解机构 / Centre:        {centre}
案件编号 / Case number:   {case_number}
生成时间 / Built at:      {built_at} (UTC)
账本 / Ledger:            {origin}, 树大小 / tree size {tree_size}
树根 / Root (SHA-256):    {root}
协议书 / Agreement:       data/agreement.pdf  SHA-256 {agreement_sha256}
{extra_zh}{extra_en}
一、核验步骤（在解压后、包含 packet 文件夹的目录中执行）
只需 Python 的 bagit 包（pip install bagit）和 openssl；不需要本中心的任何软件。

1. BagIt 完整性（逐个文件重算 SHA-256/SHA-512；不要加 --fast）：
     bagit.py --validate packet
   退出码 0 表示有效。

2. 中心签名（manifest-sha256.txt 覆盖全部文件；签名覆盖 manifest-sha256.txt）：
     openssl cms -verify -binary -inform DER -in packet/manifest-sha256.txt.p7s \\
         -content packet/manifest-sha256.txt -CAfile centre-ca.pem -out /dev/null
   应显示 “CMS Verification successful”。
   centre-ca.pem 必须是本中心事先向法院登记的根证书，不能取自本材料包。核对其指纹：
     openssl x509 -noout -fingerprint -sha256 -in centre-ca.pem
   指纹应与法院登记的值一致（本中心当前根证书指纹为 {fingerprint}，仅供参考——
   以登记值为准）。若签名证书已过期，加 -attime <签名时间的 Unix 秒数>。

3. 可信时间戳（RFC 3161）：{tsa_zh}

4. 账本摘录（重算叶哈希、哈希链、包含性证明、树根与检查点的 Ed25519 签名，
   并核对协议书与证据文件的哈希；只用 Python 标准库）：
     cd packet && python3 -I data/verify_ledger.py data/ledger
   输出“核验通过”且退出码为 0 表示一致。

5. 也可只用 openssl 核对检查点签名（公钥 log-key.pem 由第 2 步的中心签名所覆盖）：
     cd packet/data/ledger
     sed '/^$/,$d' checkpoint.txt > /tmp/cp.body
     grep '^— ' checkpoint.txt | awk '{{print $3}}' | base64 -d | tail -c 64 > /tmp/cp.sig
     openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in /tmp/cp.body -sigfile /tmp/cp.sig
   应显示 “Signature Verified Successfully”。（临时文件请写在材料包之外，否则第 1 步会报多出文件。）

信任链：centre-ca.pem（线下登记）→ manifest-sha256.txt.p7s → manifest-sha256.txt →
data/ 下每个文件（含本说明、packet.json、账本摘录与 log-key.pem）→ 检查点签名 → 树根 →
每条账本记录。时间戳（如有）证明 manifest-sha256.txt 在该时刻已存在。

二、文件
  data/agreement.pdf            已生效的调解协议（其 SHA-256 记于账本）
  data/evidence/                案件现有证据文件（已撤回的不含在内）
  data/ledger/entries.jsonl     账本记录，每行一条（RFC 8785 规范 JSON；叶哈希 = SHA-256(0x00‖该行)）
  data/ledger/checkpoint.txt    中心签名的检查点（C2SP signed note，Ed25519）
  data/ledger/log-key.pem/.vkey 检查点签名公钥
  data/ledger/proofs.json       协议书与证据记录的包含性证明（RFC 9162）
  data/ledger/checkpoint.tsr    检查点的 RFC 3161 时间戳（配置了时间戳服务时）
  data/packet.json              材料包摘要（RFC 8785）
  data/verify_ledger.py         第 4 步的核验脚本

{rule}
Verification (run in the folder that contains the unzipped `packet` folder)
Only Python's bagit package (pip install bagit) and openssl are needed.

1. BagIt integrity (recomputes every SHA-256/SHA-512; do not use --fast):
     bagit.py --validate packet
   Exit status 0 means valid.

2. The centre's signature (manifest-sha256.txt covers every file; the signature covers it):
     openssl cms -verify -binary -inform DER -in packet/manifest-sha256.txt.p7s \\
         -content packet/manifest-sha256.txt -CAfile centre-ca.pem -out /dev/null
   Expect "CMS Verification successful".
   centre-ca.pem must be the root certificate the centre registered with the court, never
   a copy from this packet. Check its fingerprint:
     openssl x509 -noout -fingerprint -sha256 -in centre-ca.pem
   It must equal the registered value (the centre's current one is {fingerprint}, shown for
   reference only). If the signer certificate has expired, add -attime <signing time, epoch>.

3. Trusted timestamp (RFC 3161): {tsa_en}

4. The ledger extract (leaf hashes, hash chain, inclusion proofs, root, the checkpoint's
   Ed25519 signature, and the hashes of the agreement and evidence; Python stdlib only):
     cd packet && python3 -I data/verify_ledger.py data/ledger
   "verification OK" and exit status 0 mean everything matches.

5. The checkpoint signature with openssl alone (log-key.pem is covered by step 2):
     cd packet/data/ledger
     sed '/^$/,$d' checkpoint.txt > /tmp/cp.body
     grep '^— ' checkpoint.txt | awk '{{print $3}}' | base64 -d | tail -c 64 > /tmp/cp.sig
     openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in /tmp/cp.body -sigfile /tmp/cp.sig
   Expect "Signature Verified Successfully". (Write the temporary files outside the packet,
   or step 1 reports unexpected files.)

Chain of trust: centre-ca.pem (registered out of band) → manifest-sha256.txt.p7s →
manifest-sha256.txt → every file under data/ (this README, packet.json, the ledger extract,
log-key.pem) → checkpoint signature → root → every ledger entry. The timestamp, if present,
shows that manifest-sha256.txt existed at that time.
"""

TSA_PRESENT_ZH = """
     openssl ts -verify -data packet/manifest-sha256.txt \\
         -in packet/manifest-sha256.txt.tsr -CAfile tsa-ca.pem
     openssl ts -reply -in packet/manifest-sha256.txt.tsr -text | grep '^Time stamp'
   应显示 “Verification: OK”。tsa-ca.pem 取自时间戳服务机构公布的根证书。
   若时间戳证书已过期，加 -attime <时间戳时间的 Unix 秒数>。"""

CHECKPOINT_TSA_ZH = """
   检查点本身的时间戳（data/ledger/checkpoint.tsr，覆盖检查点正文）：
     cd packet/data/ledger && sed '/^$/,$d' checkpoint.txt > /tmp/cp.body
     openssl ts -verify -data /tmp/cp.body -in checkpoint.tsr -CAfile ../../../tsa-ca.pem"""

TSA_PRESENT_EN = """
     openssl ts -verify -data packet/manifest-sha256.txt \\
         -in packet/manifest-sha256.txt.tsr -CAfile tsa-ca.pem
     openssl ts -reply -in packet/manifest-sha256.txt.tsr -text | grep '^Time stamp'
   Expect "Verification: OK". tsa-ca.pem comes from the TSA's published root. If the
   TSA certificate has expired, add -attime <timestamp time, epoch>."""

CHECKPOINT_TSA_EN = """
   The checkpoint's own timestamp (data/ledger/checkpoint.tsr, over the checkpoint text):
     cd packet/data/ledger && sed '/^$/,$d' checkpoint.txt > /tmp/cp.body
     openssl ts -verify -data /tmp/cp.body -in checkpoint.tsr -CAfile ../../../tsa-ca.pem"""

TSA_ABSENT_ZH = "本材料包未附时间戳（本中心未配置时间戳服务），跳过此步。"
TSA_ABSENT_EN = "this packet carries no timestamp (no TSA configured); skip this step."


def render(
    *,
    kind: str,
    centre: str,
    case_number: str,
    built_at: str,
    origin: str,
    tree_size: int,
    root: str,
    agreement_sha256: str,
    fingerprint: str,
    has_timestamp: bool,
    extra_lines: list[str],
    checkpoint_timestamp: bool = False,
) -> str:
    title_zh, title_en = TITLES[kind]
    extra = "".join(f"{line}\n" for line in extra_lines)
    return TEMPLATE.format(
        title_zh=title_zh,
        title_en=title_en,
        rule="=" * 72,
        centre=centre,
        case_number=case_number,
        built_at=built_at,
        origin=origin,
        tree_size=tree_size,
        root=root,
        agreement_sha256=agreement_sha256,
        extra_zh=extra,
        extra_en="",
        fingerprint=fingerprint,
        tsa_zh=(TSA_PRESENT_ZH if has_timestamp else TSA_ABSENT_ZH)
        + (CHECKPOINT_TSA_ZH if checkpoint_timestamp else ""),
        tsa_en=(TSA_PRESENT_EN if has_timestamp else TSA_ABSENT_EN)
        + (CHECKPOINT_TSA_EN if checkpoint_timestamp else ""),
    )
