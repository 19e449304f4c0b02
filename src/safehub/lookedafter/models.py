"""Looked-after children's records (SSDA903)."""
