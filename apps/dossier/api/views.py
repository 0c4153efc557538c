import json

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.projects import roles
from apps.projects.access import ProjectPermission, ProjectScopedAPIMixin

from ..services import MAX_MANIFEST_BYTES, dossier_verify, parse_manifest


class ManifestSerializer(serializers.Serializer):
    manifest = serializers.JSONField(help_text="The dossier's manifest, as downloaded or taken from the PDF.")


class SectionCheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    expected = serializers.CharField(help_text="SHA-256 in the manifest.")
    actual = serializers.CharField(help_text="SHA-256 of the section's data now (empty for an unknown section).")
    status = serializers.ChoiceField(choices=["match", "changed", "unknown"])


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="Every section matches and the audit chain head is still in the trail.")
    project = serializers.CharField()
    generated_at = serializers.CharField()
    generated_by = serializers.CharField()
    chain_head_found = serializers.BooleanField(allow_null=True)
    changed = serializers.SerializerMethodField(help_text="Keys of the sections that no longer match.")
    checks = SectionCheckSerializer(many=True)

    def get_changed(self, verification) -> list[str]:
        return [check.key for check in verification.changed]


@extend_schema(tags=["dossier"])
class DossierVerifyView(ProjectScopedAPIMixin, APIView):
    """Verify a dossier's manifest against the project's records now: which sections still match."""

    permission_classes = [IsAuthenticated, ProjectPermission]
    project_permission_required = {"POST": roles.VIEW_AUDIT}
    methods_allowed_when_retired = ("POST",)  # verifying reads; it writes nothing to the project

    @extend_schema(request=ManifestSerializer, responses=VerificationSerializer)
    def post(self, request, project_slug):
        data = ManifestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = json.dumps(data.validated_data["manifest"], ensure_ascii=False)
        if len(raw.encode()) > MAX_MANIFEST_BYTES:
            raise ValidationError({"manifest": f"A manifest is at most {MAX_MANIFEST_BYTES // 1024} KB."})
        verification = dossier_verify(project=self.parent_project, manifest=parse_manifest(raw))
        return Response(VerificationSerializer(verification).data)
