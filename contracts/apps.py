from django.apps import AppConfig
from django.core import checks


class ContractsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contracts"
    verbose_name = "Contracts, procurement and partners"

    def ready(self) -> None:
        from contracts.ocds import check_ocds_prefix

        checks.register(check_ocds_prefix, checks.Tags.compatibility, deploy=True)
        register_stored_exports()


def register_stored_exports() -> None:
    """The contract register's full downloads, kept in the storage by the worker and rebuilt
    whenever anything they are made from changes (commissioning.stored_exports)."""
    from commissioning import stored_exports
    from contracts.publication import LAST_CHANGED_MODELS

    views = "contracts.public_views"
    for key, extension, content_type, build in [
        ("contracts-csv", "csv", "text/csv; charset=utf-8", "full_csv"),
        ("contracts-json", "json", "application/json; charset=utf-8", "full_json"),
        ("contracts-ocds", "json", "application/json; charset=utf-8", "ocds_content"),
    ]:
        stored_exports.register(
            stored_exports.StoredExport(
                key=key,
                extension=extension,
                content_type=content_type,
                version=f"{views}.data_version",
                build=f"{views}.{build}",
            )
        )
    stored_exports.connect(*LAST_CHANGED_MODELS)
