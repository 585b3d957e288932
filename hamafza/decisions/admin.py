from django.contrib import admin

from hamafza.core.admin_audit import AuditedAdmin
from hamafza.decisions.models import Article, LegalDocument, MeetingRule


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0


@admin.register(LegalDocument)
class LegalDocumentAdmin(AuditedAdmin):
    list_display = ["title", "kind", "number", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["title", "number"]
    inlines = [ArticleInline]


@admin.register(MeetingRule)
class MeetingRuleAdmin(AuditedAdmin):
    list_display = ["kind", "quorum_percent", "majority"]
