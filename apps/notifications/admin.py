from django.contrib import admin

from .models import Notification, NotificationPreference
from .services import notifications_requeue


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, to see what was sent, what failed and why; a failed message can be queued again."""

    list_display = ("created_at", "recipient", "category", "kind", "subject", "delivery", "state", "attempts")
    list_filter = ("state", "delivery", "category")
    search_fields = ("subject", "recipient__username", "recipient__email")
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request, queryset):
        count = notifications_requeue(notifications=queryset)
        self.message_user(request, f"{count} message(s) queued again.")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "delivery", "updated_at")
    list_filter = ("category", "delivery")
