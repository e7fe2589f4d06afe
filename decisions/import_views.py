"""The workspace's import pages: upload a file, see what it would create, then import it.

The first step checks the uploaded file and writes nothing. When the file has no problems its
text is kept in the user's session (server-side) under a one-time token, and the page shows
row by row what would be created, with a button to import. The import step checks the kept
text again against the register as it is then: if anything changed the plan, the new plan is
shown for another look rather than imported. Officers and administrators only.
"""

import secrets
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from commissioning import once
from commissioning.importing import MAX_FILE_BYTES, Import, ImportRefused
from commissioning.permissions import (
    RECORD_DECIDED_REFUSAL,
    may_record_decided,
    officer_required,
)
from contracts.importing import ContractImport
from decisions.importing import DecisionImport

# How many problems the error summary lists; the table below it lists them all.
SUMMARY_LIMIT = 20


@dataclass(frozen=True)
class ImportKind:
    key: str
    importer: type[Import]
    title: str
    noun: str  # plural, as the page says it
    url_name: str
    workspace_section: str
    list_url_name: str
    example: str


DECISIONS = ImportKind(
    key="decisions",
    importer=DecisionImport,
    title="Import decision records",
    noun="decision records",
    url_name="workspace:import-decisions",
    workspace_section="decisions",
    list_url_name="workspace:decision-list",
    example="examples/decisions.csv",
)
CONTRACTS = ImportKind(
    key="contracts",
    importer=ContractImport,
    title="Import contracts",
    noun="contracts",
    url_name="workspace:import-contracts",
    workspace_section="contracts",
    list_url_name="workspace:contract-list",
    example="examples/contracts.csv",
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Choose a CSV or JSON file to check",
            "empty": "The file you chose is empty",
            "invalid": "Choose a CSV or JSON file to check",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        name = upload.name.casefold()
        if not name.endswith((".csv", ".json", ".txt")):
            raise forms.ValidationError("The file must be a CSV or JSON file")
        return upload


@dataclass(frozen=True)
class FileSummary:
    """What a checked file holds, in a line above its rows: "300 rows: 298 new, 2 with
    problems". Every row of an import makes a new record (a reference already in the register
    is a problem), so a row is new or has a problem."""

    rows: int
    with_problems: int
    with_warnings: int

    @property
    def new(self) -> int:
        return self.rows - self.with_problems

    @classmethod
    def of(cls, checked: Import) -> "FileSummary | None":
        """None for a file with no record read (one that could not be read at all)."""
        records = checked.record_rows
        if not records:
            return None

        def rows_in(findings) -> int:
            return len({finding.row for finding in findings if finding.row in records})

        return cls(
            rows=len(records),
            with_problems=rows_in(checked.problems),
            with_warnings=rows_in(checked.warnings),
        )


def session_key(kind: ImportKind) -> str:
    return f"import-{kind.key}"


@officer_required
def import_decisions(request: HttpRequest) -> HttpResponse:
    # Every imported decision is recorded as already taken, signed and perhaps published:
    # only those given that permission may put such records on the register.
    if not may_record_decided(request.user):
        raise PermissionDenied(RECORD_DECIDED_REFUSAL)
    return import_page(request, DECISIONS)


@officer_required
def import_contracts(request: HttpRequest) -> HttpResponse:
    return import_page(request, CONTRACTS)


def import_page(request: HttpRequest, kind: ImportKind) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "import":
        return confirm(request, kind)
    if request.method == "POST":
        return check(request, kind)
    request.session.pop(session_key(kind), None)
    return show(request, kind, form=UploadForm())


def check(request: HttpRequest, kind: ImportKind) -> HttpResponse:
    """Step one: read and check the uploaded file; keep it if it could be imported."""
    request.session.pop(session_key(kind), None)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return show(request, kind, form=form)
    upload = form.cleaned_data["file"]
    checked = kind.importer(upload.read(), upload.name)
    if not checked.is_valid:
        return show(request, kind, form=UploadForm(), checked=checked)
    token = secrets.token_urlsafe(16)
    request.session[session_key(kind)] = {
        "token": token,
        "filename": checked.filename,
        "text": checked.text,
        "digest": checked.digest(),
    }
    return show(request, kind, checked=checked, token=token)


def confirm(request: HttpRequest, kind: ImportKind) -> HttpResponse:
    """Step two: check the kept file again and, if nothing changed, import it."""
    kept = request.session.get(session_key(kind))
    if not kept or not secrets.compare_digest(kept["token"], request.POST.get("token", "")):
        messages.warning(
            request, "That check is no longer open. Upload the file again to check it."
        )
        return redirect(kind.url_name)
    checked = kind.importer(kept["text"], kept["filename"])
    if not checked.is_valid:
        request.session.pop(session_key(kind), None)
        return show(request, kind, form=UploadForm(), checked=checked)
    if checked.digest() != kept["digest"]:
        kept["digest"] = checked.digest()
        request.session.modified = True
        return show(request, kind, checked=checked, token=kept["token"], changed=True)
    try:
        # The records and the form's one-time token commit together (commissioning/once.py).
        with once.creating(request) as submission:
            written = checked.write(by=request.user)
            submission.location = reverse(kind.url_name)
    except ImportRefused as refused:
        request.session.pop(session_key(kind), None)
        checked.problems = refused.problems
        return show(request, kind, form=UploadForm(), checked=checked)
    request.session.pop(session_key(kind), None)
    noun = kind.importer.noun if written == 1 else f"{kind.importer.noun}s"
    messages.success(request, f"{written} {noun} imported from {checked.filename}.")
    return redirect(kind.url_name)


def show(
    request: HttpRequest,
    kind: ImportKind,
    *,
    form: UploadForm | None = None,
    checked: Import | None = None,
    token: str = "",
    changed: bool = False,
) -> HttpResponse:
    summary = []
    if form is not None and form.errors:
        summary = [{"href": "#id_file", "text": error} for error in form.errors.get("file", [])]
    problems = checked.problems if checked is not None else []
    if problems:
        summary = [
            {"href": f"#problem-{number}", "text": str(problem)}
            for number, problem in enumerate(problems[:SUMMARY_LIMIT], start=1)
        ]
        if len(problems) > SUMMARY_LIMIT:
            summary.append(
                {
                    "href": "#problems",
                    "text": f"And {len(problems) - SUMMARY_LIMIT} more problems in the table",
                }
            )
    other = CONTRACTS if kind is DECISIONS else DECISIONS
    context = {
        "kind": kind,
        "other": other,
        "form": form,
        "checked": checked,
        "file_summary": FileSummary.of(checked) if checked is not None else None,
        "problems": problems,
        "token": token,
        "changed": changed,
        "error_summary": summary,
        "workspace_section": kind.workspace_section,
        "max_megabytes": MAX_FILE_BYTES // 1024 // 1024,
        "list_url": safe_reverse(kind.list_url_name),
    }
    return render(request, "import/upload.html", context)


def safe_reverse(name: str) -> str:
    """The list page to go back to, if the workspace has it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
