from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "peerassist.projects"
    label = "projects"
