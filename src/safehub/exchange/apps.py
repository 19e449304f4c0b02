from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safehub.exchange"
    label = "exchange"

    def ready(self) -> None:
        from safehub.exchange import signals

        signals.connect_events()
