from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoptac.documents.models import Document, Mention


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    fields = ["type", "text", "start", "end", "status", "partner", "confidence"]
    readonly_fields = ["type", "text", "start", "end", "confidence"]
    autocomplete_fields = ["partner"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "language", "published_on", "owner_unit", "format"]
    list_filter = ["kind", "language", "format"]
    search_fields = ["title", "source", "content_hash"]
    readonly_fields = ["content_hash", "size", "format", "file_name", "text"]
    inlines = [MentionInline]

    def save_model(self, request, obj, form, change):
        # The admin bypasses the services: keep the version and the search index right.
        from hoptac.search.index import index_after_commit

        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        index_after_commit(obj)


@admin.register(Mention)
class MentionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "type", "status", "document", "partner"]
    list_filter = ["type", "status"]
    autocomplete_fields = ["partner"]
