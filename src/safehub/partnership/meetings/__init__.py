"""The partnership's sub-group meetings: services, selectors, views, forms and URLs."""
