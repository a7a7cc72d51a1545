from django.urls import path

from . import views

M = "committees/<str:code>/meetings/<int:number>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("committees/<str:code>/", views.committee_detail, name="committee"),
    path("committees/<str:code>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("committees/<str:code>/glance/", views.committee_glance, name="committee-glance"),
    path("committees/<str:code>/since/", views.committee_brief, name="committee-brief"),
    path(
        "committees/<str:code>/attendance/",
        views.committee_attendance,
        name="committee-attendance",
    ),
    path(
        "committees/<str:code>/attendance.csv",
        views.committee_attendance_csv,
        name="committee-attendance-csv",
    ),
    path("published/", views.published, name="published"),
    path("published/<str:code>/<int:number>/", views.published_detail, name="published-minutes"),
    path(
        "published/<str:code>/<int:number>/minutes.pdf",
        views.published_pdf,
        name="published-pdf",
    ),
    path(
        "published/<str:code>/<int:number>/minutes.docx",
        views.published_docx,
        name="published-docx",
    ),
    path("decisions/", views.decision_register, name="decisions"),
    path("modifications/<str:reference>/", views.modification_detail, name="modification"),
    path(M, views.minutes, name="minutes"),
    path(M + "minutes.json", views.minutes_json, name="minutes-json"),
    path(M + "meeting.ics", views.meeting_ics, name="meeting-ics"),
    path(M + "minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path(M + "minutes.docx", views.minutes_docx, name="minutes-docx"),
    path(M + "pdf/", views.minutes_pdf_status, name="minutes-pdf-status"),
    path(M + "edit/", views.meeting_edit, name="meeting-edit"),
    path(M + "attendance/add/", views.attendance_add, name="attendance-add"),
    path(M + "attendance/copy/", views.attendance_copy, name="attendance-copy"),
    path(M + "attendance/<int:pk>/", views.attendance_save, name="attendance-line"),
    path(M + "attendance/<int:pk>/move/", views.attendance_move, name="attendance-move"),
    path(M + "attendance/<int:pk>/remove/", views.attendance_remove, name="attendance-remove"),
    path(M + "people/", views.people_search, name="people-search"),
    path(M + "items/add/", views.item_add, name="item-add"),
    path(M + "items/<int:pk>/", views.item_save, name="item"),
    path(M + "items/<int:pk>/editor/", views.item_editor, name="item-editor"),
    path(M + "items/<int:pk>/move/", views.item_move, name="item-move"),
    path(M + "items/<int:pk>/depth/", views.item_depth, name="item-depth"),
    path(M + "items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path(M + "items/<int:item_pk>/decisions/", views.decision_add, name="decision-add"),
    path(M + "items/<int:item_pk>/decisions/<int:pk>/", views.decision_save, name="decision"),
    path(
        M + "items/<int:item_pk>/decisions/<int:pk>/delete/",
        views.decision_delete,
        name="decision-delete",
    ),
    path(M + "items/<int:item_pk>/actions/", views.action_add, name="action-add"),
    path(M + "items/<int:item_pk>/actions/<int:pk>/", views.action_save, name="action"),
    path(
        M + "items/<int:item_pk>/actions/<int:pk>/delete/",
        views.action_delete,
        name="action-delete",
    ),
    path(
        M + "items/<int:item_pk>/incidents/", views.incident_review_add, name="incident-review-add"
    ),
    path(
        M + "items/<int:item_pk>/incidents/list/",
        views.incident_review_list,
        name="incident-review-list",
    ),
    path(
        M + "items/<int:item_pk>/incidents/<int:pk>/",
        views.incident_review_save,
        name="incident-review",
    ),
    path(
        M + "items/<int:item_pk>/incidents/<int:pk>/delete/",
        views.incident_review_delete,
        name="incident-review-delete",
    ),
    path(M + "preview/", views.preview, name="preview"),
    path(M + "minutes/<str:step>/", views.minutes_transition, name="minutes-step"),
    path(M + "revisions/<int:revision>/", views.revision_detail, name="revision"),
    path(M + "history/", views.meeting_history, name="meeting-history"),
]
