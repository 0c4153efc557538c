from rest_framework import serializers

from ..models import User


class UserSummarySerializer(serializers.ModelSerializer):
    """The public face of a user inside the portal."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "job_title"]
        read_only_fields = fields
