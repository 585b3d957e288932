"""Permission-matrix rows of consultations (gathered by decisions/tests/matrix.py).

world.consultation: open, to all cooperatives, a proposal, opened by the board member (its
owner). world.consultation_closed: closed, single choice, same owner. The union's
representative is not in an all-cooperatives audience, so it does not see either (404).
"""

from datetime import timedelta

from django.utils import timezone

from hamafza.core.tests.matrix import ALL, SIGNED_IN, Row, only

OWNERS = only("staff", "board", "admin")

EXPECTED = {
    "decisions:consultation_list": Row(ALL),
    "decisions:consultation_create": Row(OWNERS),
    "decisions:consultation_detail": Row(
        SIGNED_IN - {"union"}, kwargs=lambda w: {"pk": w.consultation.pk}, denied=(404,)
    ),
    "decisions:consultation_answer": Row(
        only("coop", "coop2"),
        kwargs=lambda w: {"pk": w.consultation.pk},
        method="post",
        data=lambda w: {"stance": "agree", "reason": "به سود تعاونی‌هاست."},
        ok=(302,),
        denied=(403, 404),
    ),
    "decisions:consultation_export": Row(
        OWNERS, kwargs=lambda w: {"pk": w.consultation.pk}, denied=(403, 404)
    ),
    "decisions:consultation_outcome": Row(
        OWNERS,
        kwargs=lambda w: {"pk": w.consultation_closed.pk},
        method="post",
        data=lambda w: {"outcome": "بیشتر تعاونی‌ها موافق بودند."},
        ok=(302,),
        denied=(403, 404),
    ),
}


def prepare(world) -> None:
    from hamafza.decisions import services
    from hamafza.decisions.models import Consultation

    owner = world.users["board"]
    if not hasattr(world, "consultation"):
        world.consultation = services.consultation_create(
            actor=owner,
            title="کاهش عوارض صدور زعفران",
            question="آیا با پیشنهاد کاهش عوارض صدور زعفران موافقید؟",
            kind=Consultation.Kind.PROPOSAL,
            audience=Consultation.Audience.ALL,
            closes_at=timezone.now() + timedelta(days=7),
        )
    if not hasattr(world, "consultation_closed"):
        closed = services.consultation_create(
            actor=owner,
            title="اولویت‌های برنامه سال",
            question="کدام اولویت برای برنامه سال مهم‌تر است؟",
            kind=Consultation.Kind.SINGLE,
            audience=Consultation.Audience.ALL,
            options=["تأمین مالی", "بازار فروش"],
            closes_at=timezone.now() + timedelta(days=1),
        )
        now = timezone.now()
        Consultation.objects.filter(pk=closed.pk).update(
            opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1)
        )
        closed.refresh_from_db()
        world.consultation_closed = closed
