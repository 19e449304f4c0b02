"""The partnership's partner contributions: services, selectors, views, forms and URLs."""
