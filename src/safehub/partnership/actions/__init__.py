"""The partnership's recommendations, action plans, inspections and notifications: services, selectors,
views, forms and URLs.
"""
