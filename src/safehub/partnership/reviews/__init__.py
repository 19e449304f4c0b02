"""The partnership's case reviews: services, selectors, views, forms and URLs."""
