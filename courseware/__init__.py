"""Courseware: onboarding on how Account Management and Project Management split agency work."""

__version__ = "0.1.0"
