from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from commissioning.background import worker_starting
        from decisions.daily import queue_daily_work

        worker_starting.connect(queue_daily_work, dispatch_uid="decisions.daily")
        register_stored_exports()


def register_stored_exports() -> None:
    """/decisions.json in full, kept in the storage by the worker and rebuilt whenever the
    register changes: a decision published, changed or withdrawn, or a form, category or
    delegation the records name (commissioning.stored_exports)."""
    from commissioning import stored_exports
    from decisions import models

    stored_exports.register(
        stored_exports.StoredExport(
            key="decisions-json",
            extension="json",
            content_type="application/json",
            version="decisions.public_views.export_version",
            build="decisions.public_views.full_export",
        )
    )
    # A draft's saves change nothing public; a decision ever published (one since withdrawn
    # too) counts, as the register's version counts it.
    stored_exports.connect(
        models.Decision, when=lambda decision: getattr(decision, "published_on", True) is not None
    )
    stored_exports.connect(models.DecisionTemplate, models.DecisionCategory, models.Delegation)
