from django.urls import path

from . import views

M = "committees/<str:code>/meetings/<int:number>/"

urlpatterns = [
    path(M + "review/", views.review, name="review"),
    path(M + "review/<slug:slug>/", views.review_row, name="review-row"),
]
