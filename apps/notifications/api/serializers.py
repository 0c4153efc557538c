from rest_framework import serializers

from ..choices import Delivery
from ..models import Notification
from ..registry import categories


class NotificationSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_label = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "category",
            "category_label",
            "kind",
            "subject",
            "body",
            "url",
            "project",
            "delivery",
            "state",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class MarkAllReadSerializer(serializers.Serializer):
    category = serializers.CharField(required=False, allow_blank=True, help_text="Only this category.")


class PreferenceSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=[])
    label = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(category.key, category.label) for category in categories()]
