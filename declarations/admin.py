from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Declaration


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "item"]
    search_fields = ["name", "organisation", "interest"]
    raw_id_fields = ["item"]
