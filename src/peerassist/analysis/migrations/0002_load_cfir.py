from django.db import migrations


def load(apps, schema_editor):
    from peerassist.analysis.cfir import cfir_rows

    Construct = apps.get_model("analysis", "CfirConstruct")
    by_code = {}
    for order, row in enumerate(cfir_rows()):
        construct, _ = Construct.objects.update_or_create(
            organisation=None,
            code=row.code,
            defaults={"domain": row.domain, "name": row.name, "definition": row.definition,
                      "order": order},
        )
        by_code[row.code] = construct
    for row in cfir_rows():
        if row.parent:
            Construct.objects.filter(pk=by_code[row.code].pk).update(parent=by_code[row.parent])


def unload(apps, schema_editor):
    apps.get_model("analysis", "CfirConstruct").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
