"""Checking that every database rule of an app has a test of its own."""

from django.apps import apps


def coverage_recorder():
    """A set of covered rules and the `@covers(...)` decorator that fills it."""
    covered: set[str] = set()

    def covers(*rules: str):
        """Record which database rules a test checks, for test_every_database_rule_has_a_test."""

        def note(test):
            covered.update(rules)
            return test

        return note

    return covered, covers


def database_rules(app_label: str) -> set[str]:
    """Every named constraint of the app's models, and every field declared unique."""
    rules = set()
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__.startswith("Historical"):
            continue
        rules.update(constraint.name for constraint in model._meta.constraints)
        rules.update(
            f"{model._meta.model_name}.{field.name}"
            for field in model._meta.fields
            if field.unique and not field.primary_key
        )
    return rules
