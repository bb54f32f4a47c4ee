"""The domain core: plain Python, no web framework and no database."""
