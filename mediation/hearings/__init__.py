"""Scheduled mediation sessions (调解会议): on site, at a circuit site, or remote in a video
room; scheduling with a clash check, rescheduling, cancelling and the session's minutes."""
