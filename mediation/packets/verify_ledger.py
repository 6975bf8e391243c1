#!/usr/bin/env python3
"""Check the ledger extract of a court packet with the Python standard library alone.

    python3 -I data/verify_ledger.py data/ledger        (in the unzipped packet folder)

It recomputes every leaf hash (RFC 9162: SHA-256(0x00 || entry line)), the hash chain
(`prev`), the Merkle tree root, each inclusion proof in proofs.json, compares the root
with the signed checkpoint (C2SP tlog-checkpoint) and checks the checkpoint's Ed25519
signature with log-key.vkey (RFC 8032 verification written out below: no third-party
package is needed). With ../packet.json next to it, it also checks that the agreement
and every evidence file hash to what packet.json and the ledger say.

Exit status 0 when everything verifies, 1 when anything does not, 2 on bad usage.
This file is part of the signed payload (manifest-sha256.txt covers it).

本脚本仅使用 Python 标准库，核验账本摘录：逐条重算叶哈希、哈希链、默克尔树根、
包含性证明，核对签名检查点（Ed25519 签名）以及协议书与证据文件的哈希。
退出码 0 表示全部通过，1 表示有不一致之处。
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import sys

# --- Ed25519 verification, RFC 8032 §5.1.7 (reference arithmetic, integers only)

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(a: tuple, b: tuple) -> tuple:
    pa = (a[1] - a[0]) * (b[1] - b[0]) % _P
    pb = (a[1] + a[0]) * (b[1] + b[0]) % _P
    pc = 2 * a[3] * b[3] * _D % _P
    pd = 2 * a[2] * b[2] % _P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point: tuple) -> tuple:
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _equal(a: tuple, b: tuple) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _decompress(raw: bytes) -> tuple | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a = _decompress(public)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _Q
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


# --- RFC 9162 Merkle tree


def leaf_hash(line: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + line).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def tree_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_ok(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or any(len(h) != 32 for h in path):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- the checks

EM_DASH = "\u2014"


class Checker:
    def __init__(self) -> None:
        self.failures = 0

    def ok(self, zh: str, en: str) -> None:
        print(f"OK      {zh} / {en}")

    def fail(self, zh: str, en: str) -> None:
        self.failures += 1
        print(f"FAILED  {zh} / {en}")


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _parse_vkey(text: str) -> tuple[str, bytes, bytes]:
    name, hex_id, encoded = text.strip().split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    public = raw[1:]
    expected = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    if expected.hex() != hex_id:
        raise ValueError("the key id does not match the key")
    return name, expected, public


def check_entries(c: Checker, lines: list[bytes]) -> list[bytes]:
    leaves = []
    prev = "0" * 64
    chain_ok = True
    case = None
    for seq, line in enumerate(lines):
        leaf = leaf_hash(line)
        leaves.append(leaf)
        try:
            entry = json.loads(line)
        except ValueError:
            c.fail(f"第 {seq} 条账本记录不是有效的 JSON", f"ledger entry {seq} is not valid JSON")
            chain_ok = False
            prev = leaf.hex()
            continue
        if entry.get("seq") != seq:
            c.fail(
                f"第 {seq} 条记录的序号为 {entry.get('seq')}",
                f"entry {seq} says seq {entry.get('seq')}",
            )
            chain_ok = False
        if entry.get("prev") != prev:
            c.fail(
                f"第 {seq} 条记录的 prev 与前一条记录的哈希不符（哈希链断开）",
                f"entry {seq}: prev does not match the hash of entry {seq - 1} (chain broken)",
            )
            chain_ok = False
        if case is None:
            case = entry.get("case")
        elif entry.get("case") != case:
            c.fail(f"第 {seq} 条记录属于另一案件", f"entry {seq} belongs to another case")
            chain_ok = False
        prev = leaf.hex()
    if chain_ok:
        c.ok(f"{len(lines)} 条账本记录的哈希链完整", f"hash chain of {len(lines)} entries intact")
    return leaves


def check_checkpoint(c: Checker, ledger: str, leaves: list[bytes]) -> bytes | None:
    note = _read(os.path.join(ledger, "checkpoint.txt")).decode("utf-8")
    cut = note.rfind("\n\n")
    if cut < 0:
        c.fail("checkpoint.txt 没有签名部分", "checkpoint.txt has no signature block")
        return None
    text, block = note[: cut + 1], note[cut + 2 :]
    lines = text.split("\n")
    try:
        origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError, binascii.Error):
        c.fail("checkpoint.txt 格式不正确", "checkpoint.txt is malformed")
        return None
    computed = tree_root(leaves)
    if size != len(leaves):
        c.fail(
            f"检查点的树大小为 {size}，账本摘录有 {len(leaves)} 条",
            f"the checkpoint's tree size is {size}, the extract has {len(leaves)} entries",
        )
    elif computed != root:
        c.fail(
            f"重算的树根 {computed.hex()} 与检查点的树根 {root.hex()} 不符",
            f"recomputed root {computed.hex()} differs from the checkpoint root {root.hex()}",
        )
    else:
        c.ok(
            f"树根与检查点一致（{origin}，大小 {size}，{root.hex()}）",
            f"root matches the checkpoint ({origin}, size {size}, {root.hex()})",
        )
    try:
        name, key_id, public = _parse_vkey(_read(os.path.join(ledger, "log-key.vkey")).decode())
    except (OSError, ValueError) as exc:
        c.fail(f"无法读取 log-key.vkey：{exc}", f"cannot read log-key.vkey: {exc}")
        return root
    verified = False
    for line in block.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH or parts[1] != name:
            continue
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            continue
        if raw[:4] == key_id and ed25519_verify(public, text.encode(), raw[4:]):
            verified = True
    if verified:
        c.ok(f"检查点的 Ed25519 签名有效（{name}）", f"checkpoint Ed25519 signature valid ({name})")
    else:
        c.fail(
            "检查点的签名无效或不是 log-key.vkey 的签名",
            "the checkpoint signature is invalid or not by log-key.vkey",
        )
    return root


def check_proofs(c: Checker, ledger: str, leaves: list[bytes], root: bytes | None) -> None:
    proofs = json.loads(_read(os.path.join(ledger, "proofs.json")))
    listed = proofs.get("leaf_hashes") or []
    for seq, leaf in enumerate(leaves):
        if seq < len(listed) and listed[seq] != leaf.hex():
            c.fail(
                f"第 {seq} 条账本记录被改动：其哈希与 proofs.json 所列不符",
                f"ledger entry {seq} was changed: its hash differs from proofs.json",
            )
            break
    good = 0
    for proof in proofs.get("proofs", []):
        index = proof["leaf_index"]
        label = proof.get("label", str(index))
        try:
            path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
            claimed = bytes.fromhex(proof["leaf_hash"])
        except ValueError:
            c.fail(f"{label} 的包含性证明格式错误", f"malformed inclusion proof for {label}")
            continue
        if index >= len(leaves) or leaves[index] != claimed:
            c.fail(
                f"{label}：第 {index} 条记录的哈希与证明不符",
                f"{label}: entry {index} does not hash to the proven leaf",
            )
        elif root is None or not inclusion_ok(index, proof["tree_size"], claimed, path, root):
            c.fail(
                f"{label}：包含性证明不能推出检查点树根",
                f"{label}: the inclusion proof does not lead to the checkpoint root",
            )
        else:
            good += 1
    if good and good == len(proofs.get("proofs", [])):
        c.ok(f"{good} 个包含性证明均有效", f"all {good} inclusion proofs valid")


def check_files(c: Checker, ledger: str, lines: list[bytes]) -> None:
    data = os.path.dirname(os.path.abspath(ledger))
    manifest_path = os.path.join(data, "packet.json")
    if not os.path.isfile(manifest_path):
        return
    packet = json.loads(_read(manifest_path))
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            entries.append({})
    for item in [packet["agreement"], *packet.get("evidence", [])]:
        path = os.path.join(data, *item["file"].split("/"))
        try:
            actual = _sha256_file(path)
        except OSError:
            c.fail(f"缺少文件 {item['file']}", f"missing file {item['file']}")
            continue
        seq = item.get("ledger_seq")
        entry = entries[seq] if isinstance(seq, int) and 0 <= seq < len(entries) else {}
        on_ledger = item["sha256"] in (
            entry.get("file"),
            (entry.get("payload") or {}).get("sha256"),
        )
        if actual != item["sha256"]:
            c.fail(
                f"{item['file']} 的 SHA-256 与 packet.json 不符",
                f"{item['file']}: SHA-256 differs from packet.json",
            )
        elif not on_ledger:
            c.fail(
                f"{item['file']} 的哈希不在第 {seq} 条账本记录中",
                f"{item['file']}: its hash is not in ledger entry {seq}",
            )
        else:
            c.ok(
                f"{item['file']} 的哈希与账本第 {seq} 条记录一致",
                f"{item['file']} matches ledger entry {seq}",
            )


def main(argv: list[str]) -> int:
    ledger = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "ledger")
    if not os.path.isdir(ledger):
        print(f"用法 / usage: python3 {argv[0]} data/ledger", file=sys.stderr)
        return 2
    c = Checker()
    raw = _read(os.path.join(ledger, "entries.jsonl"))
    if raw and not raw.endswith(b"\n"):
        c.fail("entries.jsonl 未以换行结束", "entries.jsonl does not end with a newline")
    lines = raw.split(b"\n")[:-1] if raw else []
    leaves = check_entries(c, lines)
    root = check_checkpoint(c, ledger, leaves)
    check_proofs(c, ledger, leaves, root)
    check_files(c, ledger, lines)
    if c.failures:
        print(f"核验未通过：{c.failures} 处问题 / verification FAILED: {c.failures} problem(s)")
        return 1
    print("核验通过 / verification OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
