"""The partnership's section 11 and section 175 self-assessments: services, selectors, views, forms and URLs."""
