"""Top-level URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse

from factcheck import health, pages, people_views

admin.site.site_header = "Fact-checking desk"
admin.site.site_title = "Fact-checking desk admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path(
        "accounts/logout/",
        pages.post_only(back=lambda: reverse("home"))(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        people_views.ChoosePasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("people/", include("factcheck.people_views")),
    path("tokens/", include("api.views.tokens")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("search/", include("claims.search_views")),
    path("", include("claims.urls")),
    path("", include("claims.evidence.urls")),
    path("", include("sources.urls")),
    path("", include("claims.home_urls")),
]

handler403 = "factcheck.views.permission_denied"
handler404 = "factcheck.views.page_not_found"
handler500 = "factcheck.views.server_error"
