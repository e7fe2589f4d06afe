"""Sign-off workflow steps, inside the workspace namespace; and recording decisions already
taken and correcting decided records (decisions.recording_views)."""

from django.urls import path

from decisions import recording_views as recording
from decisions import workflow_views as views

urlpatterns = [
    path(
        "decisions/<path:reference>/workflow/",
        views.workflow_detail,
        name="workflow-detail",
    ),
    path(
        "decisions/<path:reference>/workflow/submit/",
        views.SubmitView.as_view(),
        name="workflow-submit",
    ),
    path(
        "decisions/<path:reference>/workflow/sign-off/",
        views.SignOffView.as_view(),
        name="workflow-sign-off",
    ),
    path(
        "decisions/<path:reference>/workflow/comment/",
        views.CommentView.as_view(),
        name="workflow-comment",
    ),
    path(
        "decisions/<path:reference>/workflow/approve-force-business/",
        views.ApproveForceBusinessView.as_view(),
        name="workflow-approve-force-business",
    ),
    path(
        "decisions/<path:reference>/workflow/approve/",
        views.ApproveView.as_view(),
        name="workflow-approve",
    ),
    path(
        "decisions/<path:reference>/workflow/decline/",
        views.DeclineView.as_view(),
        name="workflow-decline",
    ),
    path(
        "decisions/<path:reference>/workflow/return-to-draft/",
        views.ReturnToDraftView.as_view(),
        name="workflow-return-to-draft",
    ),
    path(
        "decisions/<path:reference>/workflow/withdraw/",
        views.WithdrawView.as_view(),
        name="workflow-withdraw",
    ),
    path(
        "decisions/<path:reference>/workflow/supersede/",
        views.SupersedeView.as_view(),
        name="workflow-supersede",
    ),
    # Decisions already taken, and corrections: for those who may record them.
    path("record-decided/", recording.RecordStartView.as_view(), name="decision-record-start"),
    path(
        "decisions/<path:reference>/record-decided/",
        recording.RecordDecidedView.as_view(),
        name="decision-record-decided",
    ),
    path(
        "decisions/<path:reference>/correct/",
        recording.CorrectView.as_view(),
        name="decision-correct",
    ),
    path(
        "decisions/<path:reference>/signed-copies/<int:pk>/",
        recording.SignedCopyDownloadView.as_view(),
        name="decision-signed-copy",
    ),
]
