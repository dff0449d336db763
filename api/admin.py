"""Admin for API tokens (made and revoked here or with `manage.py api_token`) and webhooks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages

from api import services
from api.models import ApiToken, WebhookDelivery, WebhookSubscription


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["owner", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "created", "last_used", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["prefix", "created", "last_used", "revoked_at"]
    actions = ["revoke"]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        if obj is None:
            return ["owner", "name"]
        return ["owner", "name", "prefix", "created", "last_used", "revoked_at"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["owner", "name", "prefix", "created", "last_used", "revoked_at"]

    def save_model(self, request: Any, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # a token's owner and name are fixed; revoke it and make another
        token, raw = services.api_token_create(
            owner=form.cleaned_data["owner"], name=form.cleaned_data["name"], actor=request.user
        )
        obj.pk = token.pk
        messages.warning(
            request,
            f"The token for {token.name!r} is {raw} — copy it now; it is not stored and will not "
            "be shown again.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: Any, queryset: Any) -> None:
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # revoke instead: the row stays for the audit trail


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "owner__username"]
    readonly_fields = ["owner", "url", "events", "description", "secret", "created_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # consumers subscribe through the API

    def save_model(self, request: Any, obj: WebhookSubscription, form: Any, change: bool) -> None:
        services.webhook_set_active(actor=request.user, subscription=obj, active=obj.active)

    def delete_model(self, request: Any, obj: WebhookSubscription) -> None:
        services.webhook_unsubscribe(actor=request.user, subscription=obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for subscription in queryset:
            services.webhook_unsubscribe(actor=request.user, subscription=subscription)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "state", "attempts", "response_status", "created_at"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields] + ["log"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
