from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.upload, name="import"),
    path("import/commit/", views.commit, name="import-commit"),
    path("import/<int:pk>/", views.review, name="import-review"),
    path("import/<int:pk>/progress/", views.progress, name="import-progress"),
    path(
        "committees/<str:code>/meetings/<int:number>/imports/<int:pk>/source",
        views.source,
        name="import-source",
    ),
    path(
        "committees/<str:code>/meetings/<int:number>/imports/<int:pk>/doubts/<int:position>/acknowledge",
        views.acknowledge_doubt,
        name="import-doubt-acknowledge",
    ),
]
