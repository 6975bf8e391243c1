"""The precedent base: imported judgments and the centre's own closed cases, searchable by
similarity (nlp/precedents.py), with a suggested mediation plan built from them."""
