from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.incident_register, name="incidents"),
    path("incidents/<str:reference>/", views.incident_detail, name="incident"),
]
