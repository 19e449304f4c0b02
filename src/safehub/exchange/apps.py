from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safehub.exchange"
    label = "exchange"
