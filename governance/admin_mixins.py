"""Admin pieces every app's admin uses: rows shown for reading, whose writes belong to a
service (which checks, locks, versions and records why)."""


class ReadOnlyInlineMixin:
    """Shown for reference; changed only through the pages whose services check and record it."""

    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
