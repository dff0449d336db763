"""URL routes for claim pages."""

from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("claims/<int:claim_id>/", views.claim_detail, name="detail"),
]
