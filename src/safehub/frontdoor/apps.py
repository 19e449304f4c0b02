from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "safehub.frontdoor"
    label = "frontdoor"
