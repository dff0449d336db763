"""The dashboard's route: the site's home page, named "home" outside the claims namespace."""

from django.urls import path

from claims.views import dashboard

urlpatterns = [path("", dashboard.home, name="home")]
