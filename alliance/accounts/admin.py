from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from alliance.accounts.models import Clinic, User


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Technical administration only. Clinic staff manage people from the Clinic pages."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "clinic", "is_active"]
    list_filter = ["role", "clinic", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "role", "clinic")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "first_name", "role", "clinic", "password1", "password2")}),
    )
