from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.upload, name="import"),
    path("import/commit/", views.commit, name="import-commit"),
]
