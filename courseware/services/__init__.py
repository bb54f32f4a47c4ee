"""Use-cases combining the core and persistence. They may flush, never commit."""
