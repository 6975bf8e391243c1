"""Recordings of statements and sessions, transcribed in the background (see
mediation.transcripts.service, .tasks, and nlp.asr)."""
