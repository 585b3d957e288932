"""The library of laws and guidelines (قوانین و مقررات): public, searched with the same Persian
normalisation as the registry (hamafza.persian.text), cited by proposals and resolutions."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from hamafza.decisions import permissions
from hamafza.decisions.data.laws import is_summary
from hamafza.decisions.models import Article, LegalDocument
from hamafza.persian.text import normalize, query_alternatives
from hamafza.registry.search import _token_prefix_q

PAGE_SIZE = 50


def kind_rank() -> Case:
    """Laws first, then regulations, guidelines, circulars and articles of association."""
    return Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(LegalDocument.Kind.values)],
        default=Value(len(LegalDocument.Kind.values)),
        output_field=IntegerField(),
    )


def in_library_order(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(kind_rank=kind_rank()).order_by("kind_rank", "title", "id")


def search_library(queryset: QuerySet, query: str) -> QuerySet:
    """Documents whose title, number or issuer — or one of whose articles — match the query
    by the registry's rule: every query word a prefix of a word of the record, after the one
    normalisation; a compound matches glued, spaced or with ZWNJ. Ranked by `search_rank`:
    title starting with the query, then a match in the document itself, then in an article.
    Portable (no full-text index): the library is small."""
    alternatives = query_alternatives(query)
    if not alternatives:
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    own = _token_prefix_q(alternatives)
    in_articles = Article.objects.filter(_token_prefix_q(alternatives)).values("document_id")
    return queryset.filter(own | Q(pk__in=in_articles)).annotate(
        search_rank=Case(
            When(search_key__startswith=normalize(query), then=Value(0)),
            When(own, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def library(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    kind = kind if kind in LegalDocument.Kind.values else ""
    qs = LegalDocument.objects.annotate(article_count=Count("articles"))
    if kind:
        qs = qs.filter(kind=kind)
    qs = (
        search_library(qs, q)
        .annotate(kind_rank=kind_rank())
        .order_by("search_rank", "kind_rank", "title", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    template = "decisions/library_list.html"
    if request.htmx and request.htmx.target == "library-results":
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": LegalDocument.Kind.choices,
            "querystring": params.urlencode(),
        },
    )


def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(LegalDocument, pk=pk)
    user = request.user
    proposals = document.proposals.select_related("cooperative", "union").order_by("-created_at")
    resolutions = []
    for resolution in (
        permissions.resolutions_for(user)
        .filter(item__proposal__legal_documents=document)
        .distinct()
        .order_by("-passed_on", "-id")
    ):
        try:
            url = reverse("decisions:resolution_detail", args=[resolution.pk])
        except NoReverseMatch:
            url = None
        resolutions.append({"resolution": resolution, "url": url})
    return render(
        request,
        "decisions/library_detail.html",
        {
            "document": document,
            "articles": document.articles.order_by("id"),
            "summary": is_summary(document),
            # Proposals are for signed-in people; the public sees how many cite the law.
            "proposals": proposals if user.is_authenticated else None,
            "proposal_count": proposals.count(),
            "resolutions": resolutions,
        },
    )
