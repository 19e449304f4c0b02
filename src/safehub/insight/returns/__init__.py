"""Statutory returns built from the analytical snapshot: CIN census XML and the SAC tables."""
