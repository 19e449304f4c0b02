"""Pathway records (LADO, private fostering, CME, MARAC)."""
