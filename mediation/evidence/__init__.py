"""Evidence: the content-addressed file store and each case's hash-chained ledger.

What other domains call (all inside the caller's transaction, none commits):
- `ledger.ensure_head(session, case_id)` when a case is created;
- `ledger.append_entry(session, case_id, entry_type, actor_id, payload, file_sha256=None)`
  in every operation that changes a case;
- `service.add_evidence / withdraw_evidence / list_evidence / proof_for` for evidence.
Pure parts (no I/O): `jcs`, `merkle`, `notes`. No Flask imports below `cli`.
"""
