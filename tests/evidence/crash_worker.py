"""A separate process for the kill -9 tests: it appends or uploads, prints what it has
committed, and parks at a named point so the test can kill it exactly there."""

from __future__ import annotations

import json
import sys
import time

from mediation.db import make_engine, make_sessionmaker, session_scope
from mediation.evidence import ledger, service
from mediation.evidence.blobstore import LocalBlobStore
from mediation.people.model import User


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class SlowPdf:
    """An upload that sends a few chunks, then stalls (the client is still sending)."""

    def __init__(self) -> None:
        self.sent = 0

    def read(self, n: int = -1) -> bytes:
        self.sent += 1
        if self.sent == 1:
            return b"%PDF-1.4\n" + b"x" * 65_000
        if self.sent == 4:
            say("mid-upload")
            time.sleep(120)
        return b"y" * 65_000


def main() -> None:
    mode, url, kwargs, case_id = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
    factory = make_sessionmaker(make_engine(url, **kwargs))
    if mode in ("append", "append-fast"):
        park_at = int(sys.argv[5]) if mode == "append" else -1
        i = 0
        while True:
            with session_scope(factory) as s:
                entry = ledger.append_entry(s, case_id, "case.note", None, {"i": i})
                if i == park_at:
                    say(f"in-transaction {entry.seq}")
                    time.sleep(120)
            say(f"committed {entry.seq}")
            i += 1
    store = LocalBlobStore(sys.argv[5])
    actor_id = int(sys.argv[6])
    with session_scope(factory) as s:
        item = service.add_evidence(
            s, case_id, s.get(User, actor_id), _Bytes(b"%PDF-1.4 first\n"), "a.pdf", store
        )
    say(f"committed-item {item.id} {item.blob_sha256}")
    if mode == "upload":
        with session_scope(factory) as s:
            service.add_evidence(s, case_id, s.get(User, actor_id), SlowPdf(), "b.pdf", store)
    elif mode == "upload-stored":
        with session_scope(factory) as s:
            second = service.add_evidence(
                s, case_id, s.get(User, actor_id), _Bytes(b"%PDF-1.4 second\n"), "b.pdf", store
            )
            say(f"stored-uncommitted {second.blob_sha256}")
            time.sleep(120)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, n: int = -1) -> bytes:
        out, self.data = self.data, b""
        return out


if __name__ == "__main__":
    main()
