"""The office's roles as groups, each with the permissions it needs.

Groups and permissions only: people are assigned to them in the admin (or by the demo
loader), never by a migration.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Commissioning officers": [
        ("decisions", "add_decision"),
        ("decisions", "change_decision"),
        ("decisions", "view_decision"),
        ("decisions", "add_decisionsection"),
        ("decisions", "change_decisionsection"),
        ("decisions", "add_appendix"),
        ("decisions", "change_appendix"),
        ("decisions", "publish_decision"),
        ("contracts", "add_contract"),
        ("contracts", "change_contract"),
        ("contracts", "view_contract"),
        ("contracts", "add_extension"),
        ("contracts", "add_provider"),
        ("contracts", "change_provider"),
        ("contracts", "add_partnerbody"),
        ("contracts", "change_partnerbody"),
        ("contracts", "add_programme"),
        ("contracts", "change_programme"),
        ("contracts", "add_jointarrangement"),
        ("contracts", "change_jointarrangement"),
    ],
    "Treasurer": [("decisions", "view_decision"), ("decisions", "sign_off_decision")],
    "Chief Executive and Monitoring Officer": [
        ("decisions", "view_decision"),
        ("decisions", "comment_on_decision"),
    ],
    "Chief Officer": [("decisions", "view_decision"), ("decisions", "approve_force_business")],
    "Police and Crime Commissioner": [
        ("decisions", "view_decision"),
        ("decisions", "decide_decision"),
    ],
}


def create_roles(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the groups need them now.
    for app_label in ("contracts", "decisions"):
        create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contracts", "0003_commissioner_share_total"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
