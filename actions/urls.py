from django.urls import path, re_path

from . import views

M = "committees/<str:code>/meetings/<int:number>/"
# An action's slug, opsg-25-01 or opsg-45-conf-02 (selectors.SLUG_RE). Only
# these match, so fixed paths under actions/ never fall into it.
A = r"^actions/(?P<slug>[a-z][a-z0-9]*-[0-9]+-(?:conf-)?[0-9]+)/"

urlpatterns = [
    # The action log and its exports: fixed paths, before any actions/<slug>/.
    path("actions/", views.action_log, name="action-log"),
    path("actions/owners/", views.action_owners, name="action-owners"),
    path("actions/export.csv", views.action_export_csv, name="action-export-csv"),
    path("actions/export.xlsx", views.action_export_xlsx, name="action-export-xlsx"),
    path("actions/reminders/", views.reminder_runs, name="reminder-runs"),
    path(M + "review/", views.review, name="review"),
    path(M + "review/<slug:slug>/", views.review_row, name="review-row"),
    path("actions/feeds/", views.feeds, name="action-feeds"),
    path("actions/feeds/new/", views.feed_create, name="action-feed-new"),
    path("actions/feeds/<int:pk>/revoke/", views.feed_revoke, name="action-feed-revoke"),
    path("feeds/<str:token>/meetings.ics", views.meetings_feed, name="feed-meetings"),
    path("feeds/<str:token>/actions.ics", views.actions_feed, name="feed-actions"),
    # Keep these last, after the fixed actions/… paths.
    re_path(A + r"$", views.detail, name="action-detail"),
    re_path(A + r"update/$", views.update_submit, name="action-update"),
]
