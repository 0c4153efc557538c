from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (("Portal", {"fields": ("job_title",)}),)
    list_display = ("username", "email", "first_name", "last_name", "job_title", "is_staff")

    def has_delete_permission(self, request, obj=None):
        # People with an audit history are deactivated, never deleted: the
        # append-only trail keeps pointing at them.
        return False
