"""The partnership's multi-agency case audits: services, selectors, views, forms and URLs."""
