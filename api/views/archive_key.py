"""The desk's archive signing key in the API: what every WACZ's signature is checked against."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.responses import errors, json_response
from sources import signing


class ArchiveKey(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key_pem = serializers.CharField()
    fingerprint_sha256 = serializers.CharField()
    pem_url = serializers.URLField()


class ArchiveKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="archive_key_retrieve",
        summary="The public key that signs archive packages",
        description="ECDSA P-256; a capture's `package.signing_key` is this fingerprint. "
        "404 when the desk has no signing key configured (its packages are then unsigned).",
        responses={200: ArchiveKey, **errors(404)},
    )
    def get(self, request: Any) -> Any:
        try:
            key = signing.desk_public_key()
        except signing.SigningKeyError:
            key = None
        if key is None:
            raise NotFound("This desk has no archive signing key configured.")
        return json_response(
            {
                "algorithm": "ECDSA P-256 with SHA-256 (WACZ signing, anonymous form)",
                "public_key_pem": signing.public_key_pem(key),
                "fingerprint_sha256": signing.fingerprint(signing.public_key_der(key)),
                "pem_url": request.build_absolute_uri(reverse("sources:archive-key")),
            }
        )
