from django.core.management import call_command
from django.test import override_settings

from hamafza.accounts.models import Role, User
from hamafza.cases.models import Case
from hamafza.core import demo
from hamafza.decisions.models import Consultation
from hamafza.followup.models import Action
from hamafza.persian.identifiers import is_valid_national_code, is_valid_national_id
from hamafza.registry.models import BoardMembership, Cooperative, County, Person, Union


def test_it_builds_a_believable_province(db):
    summary = demo.build(cooperatives=60, seed=3)
    assert summary.cooperatives == Cooperative.objects.count() == 60
    assert Union.objects.count() >= 10
    assert all(
        is_valid_national_id(n) for n in Cooperative.objects.values_list("national_id", flat=True)
    )
    assert all(
        is_valid_national_code(n) for n in Person.objects.values_list("national_code", flat=True)
    )
    assert BoardMembership.objects.count() == 180
    assert Cooperative.objects.filter(sector__name="کشاورزی").count() > 5
    assert Cooperative.objects.values("county").distinct().count() > 5
    # Search keys were built although rows were bulk-inserted.
    assert not Cooperative.objects.filter(search_key="").exists()


def test_it_creates_the_demo_users_for_two_different_cooperatives(db):
    demo.build(cooperatives=40, seed=1)
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        "staff",
        "board",
        "directorate",
        "union",
        "coop",
        "coop2",
    }
    coop = User.objects.get(username="coop")
    coop2 = User.objects.get(username="coop2")
    assert coop.cooperative_ids and coop2.cooperative_ids
    assert coop.cooperative_ids != coop2.cooperative_ids
    assert User.objects.get(username="union").has_role(Role.UNION)
    assert all(u.is_demo for u in User.objects.all())
    assert User.objects.get(username="admin").check_password(demo.DEMO_PASSWORD)


def test_it_is_deterministic_for_a_seed(db):
    demo.build(cooperatives=25, seed=9)
    first = list(
        Cooperative.objects.order_by("national_id").values_list("name", "members", "county__name")
    )
    Case.objects.all().delete()  # a case belongs to a cooperative
    Consultation.objects.all().delete()  # an audience may be a union
    Action.objects.all().delete()  # a responsible body may be a cooperative or a union
    Cooperative.objects.all().delete()
    Union.objects.all().delete()
    demo.build(cooperatives=25, seed=9)
    again = list(
        Cooperative.objects.order_by("national_id").values_list("name", "members", "county__name")
    )
    assert [r[0] for r in first] == [r[0] for r in again]
    assert [r[1:] for r in first] == [r[1:] for r in again]


def test_the_command_loads_once_with_if_empty(db, capsys):
    with override_settings(DEMO=True):
        call_command("demo_data", "--cooperatives", "20", "--seed", "2", "--if-empty")
        call_command("demo_data", "--cooperatives", "20", "--seed", "2", "--if-empty")
    assert Cooperative.objects.count() == 20
    assert "not loaded again" in capsys.readouterr().out
    assert County.objects.count() >= 30
