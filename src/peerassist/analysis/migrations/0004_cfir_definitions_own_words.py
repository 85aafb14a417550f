"""Replace the standard constructs' definitions with the plain-English ones in cfir2.csv."""

from django.db import migrations


def refresh(apps, schema_editor):
    from peerassist.analysis.cfir import cfir_rows

    Construct = apps.get_model("analysis", "CfirConstruct")
    for row in cfir_rows():
        Construct.objects.filter(organisation=None, code=row.code).update(
            definition=row.definition
        )


class Migration(migrations.Migration):
    dependencies = [("analysis", "0003_analysis_models")]
    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
