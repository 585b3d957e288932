"""URLs of meetings, agenda, votes, minutes, resolutions and the calendar feed."""

from django.urls import path

from hamafza.decisions import views_meetings as views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/items/<int:item_id>/open/", views.voting_open, name="voting_open"),
    path("meetings/<int:pk>/items/<int:item_id>/close/", views.voting_close, name="voting_close"),
    path("meetings/<int:pk>/items/<int:item_id>/vote/", views.vote, name="vote"),
    path("meetings/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/finalise/", views.minutes_finalise, name="minutes_finalise"),
    path("meetings/<int:pk>/minutes/amend/", views.minutes_amend, name="minutes_amend"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution_detail"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/renew/", views.calendar_renew, name="calendar_renew"),
]
