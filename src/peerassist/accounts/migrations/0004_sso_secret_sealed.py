"""The SSO client secret is kept sealed (core/sealed.py); secrets saved before are sealed
here, and unsealed again if the migration is reversed."""

from typing import Any

from django.db import migrations, models

from peerassist.core.sealed import seal, unseal


def seal_saved(apps: Any, schema_editor: Any) -> None:
    OrganisationSso = apps.get_model("accounts", "OrganisationSso")
    for config in OrganisationSso.objects.exclude(client_secret=""):
        config.client_secret_sealed = seal(config.client_secret)
        config.save(update_fields=["client_secret_sealed"])


def unseal_saved(apps: Any, schema_editor: Any) -> None:
    OrganisationSso = apps.get_model("accounts", "OrganisationSso")
    for config in OrganisationSso.objects.exclude(client_secret_sealed=""):
        config.client_secret = unseal(config.client_secret_sealed)[:500]
        config.save(update_fields=["client_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_organisation_sso"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisationsso",
            name="client_secret_sealed",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(seal_saved, unseal_saved),
        migrations.RemoveField(
            model_name="organisationsso",
            name="client_secret",
        ),
    ]
