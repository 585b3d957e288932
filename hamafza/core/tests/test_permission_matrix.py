"""Every URL pattern of the project, requested as every persona, against the expected table.

A new view without an entry in EXPECTED fails `test_it_has_an_entry_for_every_url`, so no
view escapes the matrix. Web pages send the public to the sign-in page and answer 403 to
signed-in users without the role; API endpoints answer 401/403 the same way.
"""

import importlib
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hamafza.api.models import ApiToken
from hamafza.conftest import PERSONAS
from hamafza.core.tests.matrix import ALL, SIGNED_IN, Row, only
from hamafza.registry.models import Document

CORE: dict[str, Row] = {
    # Base UI
    "core:home": Row(ALL),
    "core:audit_log": Row(only("admin")),
    "set_language": Row(ALL, method="post", data=lambda w: {"language": "en"}, ok=(302,)),
    # Accounts
    "accounts:login": Row(ALL, per_persona=dict.fromkeys(SIGNED_IN, (302,))),
    "accounts:logout": Row(ALL, method="post", ok=(302,)),
    "accounts:profile": Row(SIGNED_IN),
    "accounts:two_factor_setup": Row(SIGNED_IN),
    "accounts:two_factor_verify": Row(SIGNED_IN),
    "accounts:password_change": Row(SIGNED_IN),
    "accounts:password_reset": Row(ALL),
    "accounts:password_reset_done": Row(ALL),
    "accounts:password_reset_confirm": Row(
        ALL, kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}
    ),
    "accounts:password_reset_complete": Row(ALL),
    # Registry
    "registry:cooperative_list": Row(ALL),
    "registry:cooperative_detail": Row(ALL, kwargs=lambda w: {"pk": w.coop_a.pk}),
    "registry:cooperative_edit": Row(
        only("coop", "staff", "admin"), kwargs=lambda w: {"pk": w.coop_a.pk}
    ),
    "registry:document_upload": Row(
        only("coop", "staff", "admin"),
        kwargs=lambda w: {"pk": w.coop_a.pk},
        method="post",
        ok=(302,),
    ),
    "registry:document_download": Row(
        only("coop", "staff", "board", "directorate", "admin"),
        kwargs=lambda w: {"pk": w.coop_a.pk, "document_id": w.document.pk},
        denied=(404,),
    ),
    "registry:document_delete": Row(
        only("coop", "staff", "admin"),
        kwargs=lambda w: {"pk": w.coop_a.pk, "document_id": _fresh_document(w).pk},
        method="post",
        denied=(404, 403),
        ok=(302,),
    ),
    "registry:cooperative_export": Row(only("staff", "board", "directorate", "admin")),
    "registry:import": Row(only("staff", "admin")),
    "registry:import_detail": Row(only("staff", "admin"), kwargs=lambda w: {"pk": w.job.pk}),
    "registry:import_confirm": Row(
        only("staff", "admin"), kwargs=lambda w: {"pk": w.job.pk}, method="post", ok=(302,)
    ),
    "registry:import_report": Row(only("staff", "admin"), kwargs=lambda w: {"pk": w.job.pk}),
    "registry:union_list": Row(ALL),
    "registry:union_detail": Row(ALL, kwargs=lambda w: {"pk": w.union.pk}),
    "registry:union_edit": Row(
        only("union", "staff", "admin"), kwargs=lambda w: {"pk": w.union.pk}
    ),
    # API
    "api:openapi-json": Row(ALL, api=True),
    "api:openapi-view": Row(ALL, api=True),
    "api:api-root": Row(ALL, api=True, ok=(404,)),
    "api:issue_token": Row(
        ALL,
        api=True,
        method="post",
        data=lambda w: {"username": f"nobody-{uuid.uuid4()}", "password": "wrong"},
        ok=(401,),
    ),
    "api:cooperatives": Row(ALL, api=True),
    "api:cooperative": Row(ALL, api=True, kwargs=lambda w: {"cooperative_id": w.coop_a.pk}),
    "api:unions": Row(ALL, api=True),
    "api:counties": Row(ALL, api=True),
    "api:sectors": Row(ALL, api=True),
}

# Each part adds its own rows in hamafza/<app>/tests/matrix.py: EXPECTED (same shape) and
# prepare(world), which adds the objects its URLs need to the world.
APPS_WITH_TABLES = ["decisions", "followup", "cases", "valuechain", "performance"]
PREPARE = {}
EXPECTED: dict[str, Row] = dict(CORE)
for _app in APPS_WITH_TABLES:
    try:
        _module = importlib.import_module(f"hamafza.{_app}.tests.matrix")
    except ModuleNotFoundError as error:
        if not f"hamafza.{_app}".startswith(error.name or "-"):
            raise  # a real import error inside a part's table, not a part not built yet
        continue
    for _name, _row in _module.EXPECTED.items():
        assert _name not in EXPECTED, _name
        EXPECTED[_name] = _row
        PREPARE[_name] = _module.prepare


def _fresh_document(world) -> Document:
    document = Document(
        cooperative=world.coop_a,
        kind="licence",
        title="پروانه",
        original_name="p.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("p", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    return document


def _walk(patterns, namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in [namespace, p.namespace] if x) or None
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def all_url_names() -> list[str]:
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def _is_admin(name: str) -> bool:
    return name.startswith("admin:")


def test_it_has_an_entry_for_every_url():
    missing = [n for n in all_url_names() if not _is_admin(n) and n not in EXPECTED]
    assert not missing, f"URL patterns without an entry in the permission matrix: {missing}"
    unnamed = [n for n in all_url_names() if n is None]
    assert not unnamed


def test_it_has_no_stale_entries():
    names = set(all_url_names())
    assert not [n for n in EXPECTED if n not in names]


def _request(client, row: Row, url: str, world, headers: dict):
    if row.method == "get":
        return client.get(url, headers=headers)
    data = row.data(world) if row.data else {}
    if row.api:
        return client.post(url, data=data, content_type="application/json", headers=headers)
    return client.post(url, data=data, headers=headers)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_enforces_the_matrix(name, world, client_for):
    row = EXPECTED[name]
    if name in PREPARE:
        PREPARE[name](world)
    failures = []
    for persona in PERSONAS:
        # Built per persona: a row whose request changes things (a delete) gets fresh objects.
        url = reverse(name, kwargs=row.kwargs(world))
        client = client_for(persona)
        headers = {}
        if row.api and persona != "public":
            _token, raw = ApiToken.issue(world.users[persona])
            headers["Authorization"] = f"Bearer {raw}"
        response = _request(client, row, url, world, headers)
        if persona in row.allowed:
            expected = row.per_persona.get(persona, row.ok)
        elif persona == "public":
            expected = (401,) if row.api else (302,)
        else:
            expected = row.denied
        if response.status_code not in expected:
            failures.append(f"{persona}: {response.status_code} (expected {expected})")
        elif persona == "public" and persona not in row.allowed and not row.api:
            assert response["Location"].startswith(reverse("accounts:login"))
    assert not failures, f"{name}: " + "; ".join(failures)


ADMIN_SAMPLE_NAMES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:registry_cooperative_changelist",
    "admin:registry_cooperative_add",
    "admin:core_auditevent_changelist",
    "admin:api_apitoken_changelist",
]


@pytest.mark.parametrize("name", ADMIN_SAMPLE_NAMES)
def test_it_keeps_the_django_admin_to_administrators(name, world, client_for):
    url = reverse(name)
    for persona in PERSONAS:
        response = client_for(persona).get(url)
        if persona == "admin":
            assert response.status_code == 200, persona
        elif persona == "public":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        else:
            # Signed in without the admin role: sent to the admin sign-in, which refuses.
            assert response.status_code == 302, persona
            assert client_for(persona).get(response["Location"]).status_code == 403


# Audit events and API tokens are never added by hand.
ADD_DISABLED = {
    "admin:api_apitoken_add",
    "admin:core_auditevent_add",
    "admin:axes_accessattempt_add",
    "admin:axes_accessfailurelog_add",
    "admin:axes_accesslog_add",
    "admin:registry_importjob_add",
}


ADMIN_QUERY = {
    "admin:autocomplete": "?app_label=registry&model_name=cooperative&field_name=union&term=ز"
}


def test_it_covers_every_admin_model_page_for_administrators_only(world, client_for):
    """Every admin URL without arguments answers the admin and nobody else."""
    names = [n for n in all_url_names() if _is_admin(n)]
    resolver_patterns = dict(_walk(get_resolver().url_patterns))
    staff = client_for("staff")
    admin = client_for("admin")
    for name in names:
        pattern = resolver_patterns[name]
        if pattern.pattern.converters or "(?P<" in str(pattern.pattern):
            continue
        url = reverse(name) + ADMIN_QUERY.get(name, "")
        if name == "admin:logout":
            continue
        expected = (403,) if name in ADD_DISABLED else (200, 302)
        assert admin.get(url).status_code in expected, name
        assert staff.get(url).status_code in (302, 403), name


def test_the_documented_table_is_the_matrix():
    """docs/permissions.md carries scripts/permission_table.py's output; regenerate it when
    the matrix changes."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    spec = importlib.util.spec_from_file_location(
        "permission_table", root / "scripts" / "permission_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.table() in (root / "docs" / "permissions.md").read_text()
