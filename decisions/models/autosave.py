"""What an officer has typed in a decision's editor and not yet saved, kept on the server.

The editor's script sends the form every so often (static/js/editor.js); the last copy is kept
here, one per decision and author, and offered back when that author opens the editor again,
after a closed tab or a lost connection. It is never kept in the browser: it may hold withheld
text. It is not the record: no history version is made until the officer saves, and the save
is checked against the version the editor was opened on, as any save is
(commissioning/concurrency.py). Saving or discarding deletes it.
"""

from django.conf import settings
from django.db import models
from django.http import QueryDict


class EditorDraft(models.Model):
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="editor_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_drafts"
    )
    # The editor's fields as posted (a name: its values), and the version of the record the
    # editor was opened on, which a save of the restored text is checked against.
    fields = models.JSONField(default=dict)
    version = models.CharField(max_length=200, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "author"],
                name="editor_draft_one_per_decision_and_author",
                violation_error_message="Each author has one unsaved draft of a decision.",
            )
        ]

    def __str__(self) -> str:
        return f"Unsaved changes to {self.decision} by {self.author}"

    def as_data(self) -> QueryDict:
        """The kept fields as a form's data, as the editor posted them."""
        data = QueryDict(mutable=True)
        for name, values in self.fields.items():
            data.setlist(name, [str(value) for value in values])
        return data
