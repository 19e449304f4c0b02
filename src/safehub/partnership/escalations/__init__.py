"""The partnership's escalations: services, selectors, views, forms and URLs."""
