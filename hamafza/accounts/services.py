"""Writes for accounts: roles and two-factor devices, each audited."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamafza.accounts.models import RoleAssignment, User
from hamafza.core import audit


@transaction.atomic
def role_assign(*, actor, user: User, role: str, cooperative=None, union=None) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, cooperative=cooperative, union=union)
    assignment.full_clean()
    assignment.save()
    user.clear_role_cache()
    audit.record(
        actor=actor,
        action="accounts.role_assign",
        target=user,
        changes={"role": role, "organisation": str(cooperative or union or "")},
    )
    return assignment


@transaction.atomic
def two_factor_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="accounts.two_factor_enable", target=user)
