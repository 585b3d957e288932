"""The HTTP API, /api/v1/ (DESIGN.md, Contracts).

Callers are the public unless they send `Authorization: Bearer <token>`; a token that is
wrong or expired answers 401. Every error answers {"detail": "..."}.
"""

import json
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from hamafza.api.models import ApiToken, hash_token

logger = logging.getLogger(__name__)


class OptionalBearer(HttpBearer):
    """No header: the public. A valid token: its user. Anything else: 401."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if not header:
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError(401, _("توکن نامعتبر است یا زمانش گذشته است."))
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class JSONRenderer(BaseRenderer):
    """JSON with Persian text left readable (no \\u escapes)."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    renderer=JSONRenderer(),
    title="Hamafza API",
    version="1",
    description="HTTP API of Hamafza (هم‌افزا). Lists answer {count, results}; errors {detail}.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=OptionalBearer(),
)


def _detail(request, message: str, status: int):
    return api.create_response(request, {"detail": str(message)}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    parts = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return _detail(request, "; ".join(parts) or _("درخواست نامعتبر است."), 422)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request, exc: DjangoValidationError):
    return _detail(request, " ".join(exc.messages), 422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    message = exc.args[1] if len(exc.args) > 1 else _("شناسایی نشدید.")
    return _detail(request, message, 401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _detail(request, str(exc.message), exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _detail(request, _("پیدا نشد."), 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _detail(request, str(exc) or _("اجازه این کار را ندارید."), 403)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("API error on %s", request.path)
    if settings.DEBUG and settings.TESTING:
        raise exc
    return _detail(request, _("خطای پیش‌بینی‌نشده در سامانه رخ داد."), 500)


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str


class Detail(Schema):
    detail: str


@api.post(
    "/auth/token",
    response={200: TokenOut, 401: Detail, 403: Detail, 429: Detail},
    auth=None,
    tags=["auth"],
    summary="Exchange a username and password for a bearer token",
)
def issue_token(request: HttpRequest, payload: TokenIn):
    from axes.handlers.proxy import AxesProxyHandler

    if AxesProxyHandler.is_locked(request, credentials={"username": payload.username}):
        return Status(429, {"detail": _("به دلیل تلاش‌های نادرست پیاپی، ورود موقتاً بسته است.")})
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        return Status(401, {"detail": _("نام کاربری یا گذرواژه درست نیست.")})
    if settings.REQUIRE_2FA and user.needs_two_factor:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        if not payload.otp or not any(d.verify_token(payload.otp) for d in devices):
            return Status(401, {"detail": _("کد ورود دومرحله‌ای (otp) لازم است یا درست نیست.")})
    _token, raw = ApiToken.issue(user)
    return Status(200, {"token": raw})


from hamafza.api import cases as _cases  # noqa: E402, F401  (registers routes)
from hamafza.api import decisions as _decisions  # noqa: E402, F401  (registers routes)
from hamafza.api import followup as _followup  # noqa: E402, F401  (registers routes)
from hamafza.api import registry as _registry  # noqa: E402, F401  (registers routes)
