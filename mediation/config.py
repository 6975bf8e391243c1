"""Default configuration. Overridden by instance/config.py, then MEDIATION_* environment
variables, then the test config passed to create_app."""

from __future__ import annotations

import os

DEFAULTS: dict[str, object] = {
    # SQLite file under the instance folder unless DATABASE_URL says otherwise.
    "DATABASE_URL": None,
    "SECRET_KEY": None,  # generated into instance/secret_key on first start
    "TIMEZONE": "Asia/Shanghai",
    "CENTRE_CODE": "DEMO",
    "CENTRE_NAME": "示范县金融纠纷调解中心",
    # Which rule set binds rules to case events (see mediation/deadlines/rulesets/).
    "RULE_SET": "default",
    # Extra rule files and rule sets (a centre's own published service promises).
    "EXTRA_RULE_DIRS": [],
    # The scan marks a clock "due soon" this many calendar days before its due date.
    "WARNING_DAYS": 3,
    "WTF_CSRF_TIME_LIMIT": None,
    # Background jobs (see mediation/jobs): the modules whose tasks workers run.
    "JOB_TASK_MODULES": ["mediation.transcripts.tasks", "mediation.precedents.tasks"],
    # One thread per embedding query keeps searches fast on small servers.
    "PRECEDENT_TORCH_THREADS": 1,
    # Evidence: the content-addressed file store (default instance/blobs), the largest
    # file accepted, the name the centre signs ledger checkpoints with, and an optional
    # RFC 3161 time-stamping authority.
    "EVIDENCE_BLOB_DIR": None,
    "MAX_EVIDENCE_BYTES": 64 * 1024 * 1024,
    "LEDGER_KEY_NAME": None,
    "TSA_URL": None,
    "TSA_CA_FILE": None,
    "MAX_CONTENT_LENGTH": 65 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    # Sessions end 8 hours after sign-in, or after 2 idle hours.
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "SESSION_IDLE_SECONDS": 2 * 3600,
    # Five failed sign-ins for one user name within 15 minutes lock it for 15 minutes.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Remote mediation sessions: the video room of a session, {room} is its unguessable id.
    "VIDEO_ROOM_URL": "https://meet.example.org/{room}",
    # Notices and verification codes: "log" (write them to the log) or "package.module:Class"
    # (a mediation.notify.Sender, e.g. an SMS gateway).
    "NOTIFY_SENDER": "log",
    # The centre's seal image (PNG, JPEG or SVG) for executed agreements; None: a generated
    # red round seal with the centre's name.
    "AGREEMENT_SEAL_FILE": None,
}


def from_environment() -> dict[str, object]:
    """DATABASE_URL and MEDIATION_<KEY> variables."""
    out: dict[str, object] = {}
    if os.environ.get("DATABASE_URL"):
        out["DATABASE_URL"] = os.environ["DATABASE_URL"]
    for key, value in os.environ.items():
        if key.startswith("MEDIATION_"):
            name = key.removeprefix("MEDIATION_")
            if name in ("WARNING_DAYS", "MAX_EVIDENCE_BYTES"):
                out[name] = int(value)
            elif name == "EXTRA_RULE_DIRS":
                out[name] = [p for p in value.split(os.pathsep) if p]
            else:
                out[name] = value
    return out
