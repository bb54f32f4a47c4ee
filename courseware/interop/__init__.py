"""Delivering the integration outbox to other systems (an LRS for xAPI; later an LMS for LTI grades)."""
