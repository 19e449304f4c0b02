"""The partnership's training and briefings: services, selectors, views, forms and URLs."""
