"""What the API's claim views share: the claim the caller may see, parsed input, and the one
call into the claim workflow's action table (claims.actions) that the claim page makes too."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.views import APIView

from api.permissions import IsDeskMember
from api.responses import get_or_404
from claims import actions as claim_actions
from claims.models import Claim
from claims.selectors import claims_visible_to


def visible_claim(request: Any, pk: int) -> Claim:
    """The claim `pk` if the caller may see it, else a 404 (never a 403 that tells it exists)."""
    return get_or_404(claims_visible_to(request.user), pk, "claim")


def parsed(serializer_class: type[serializers.Serializer], request: Any) -> dict[str, Any]:
    """The request body checked by `serializer_class`: its validated data, or a 400."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def perform(name: str, request: Any, claim: Claim, inputs: dict[str, Any]) -> Any:
    """Take action `name` of the workflow's table (claims.actions) for the caller."""
    return claim_actions.perform(name, actor=request.user, claim=claim, inputs=inputs)


class DeskClaimView(APIView):
    """An endpoint under /claims/<pk>/ for the desk only (fact-checkers and editors)."""

    permission_classes = [IsDeskMember]
