from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/", views.incident_detail, name="incident"),
]
