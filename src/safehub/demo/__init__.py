"""The synthetic demo city: one module per domain, building on ``safehub.synth``. Never real people.

``safehub seed_demo`` runs the stages in order (agencies and staff, residents, the front door,
casework, looked-after children, pathways, early help, adults, the partnership, exchange,
insight, then the planted matching cases and sealed records). The domain apps hold no demo code:
a stage writes through the apps' models and services like any other caller.
"""
