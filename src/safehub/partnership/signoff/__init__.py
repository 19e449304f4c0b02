"""The partnership's the yearly report's sign-off: services, selectors, views, forms and URLs."""
