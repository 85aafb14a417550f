from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "peerassist.demo"
    label = "demo"
