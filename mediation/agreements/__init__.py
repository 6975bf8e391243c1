"""Settlement agreements: drafted from clause templates, issued as a PDF, signed by every
party and the mediator with a fresh verification code each; the last signature makes the
agreement take effect and moves the case to SIGNED (which starts the 30-day clock for a
joint application for judicial confirmation)."""
