"""The staff pages' tests take the workflow's fixtures: a form, drafts on it, and a way to
move a decision to any stage through the real steps."""

from tests.workflow.conftest import advance, form, make_draft  # noqa: F401
