from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "peerassist.lessons"
    label = "lessons"
