"""Amal: a local, private, multilingual patient-intake assistant."""

__version__ = "0.1.0"
