"""Pathways around the front door: LADO allegations, private fostering, children missing education, MARAC."""
