from rest_framework import serializers

from apps.core.api.serializers import QuickReadMixin

from ..models import User


class UserSummarySerializer(QuickReadMixin, serializers.ModelSerializer):
    """The public face of a user inside the portal."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "job_title"]
        read_only_fields = fields


class IssuedTokenSerializer(serializers.Serializer):
    """A new API token: shown once, stored only as a digest."""

    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
    token_key = serializers.CharField(help_text="The first characters, to recognise and revoke the token.")
    expiry = serializers.DateTimeField(allow_null=True)


class ApiTokenSerializer(serializers.Serializer):
    """One of your API tokens, without its secret."""

    token_key = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
