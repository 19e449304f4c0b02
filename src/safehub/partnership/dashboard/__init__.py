"""The partnership dashboard: selectors, view and URL."""
