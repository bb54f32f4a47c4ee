"""Email: composing a message from an outbox row, and the transports (SMTP, or .eml files when none is configured).

Runs in the worker with the Flask app (its templates, URL map and secret key); services only
record *what* to send, in the outbox.
"""
