"""Settlement and enforcement packets for courts: a BagIt bag with the executed agreement,
the evidence files, the ledger extract with inclusion proofs and a signed checkpoint, a
detached CMS signature over the manifest and an optional RFC 3161 timestamp, verifiable
with `bagit.py`, `openssl` and a stdlib-only script (see ../shared/EVIDENCE.md §5)."""
