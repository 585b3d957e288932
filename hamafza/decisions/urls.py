"""URLs of the decisions part; each area keeps its own list (urls_<area>.py)."""

from hamafza.decisions import urls_consultations, urls_library, urls_meetings, urls_proposals

app_name = "decisions"

urlpatterns = [
    *urls_consultations.urlpatterns,
    *urls_proposals.urlpatterns,
    *urls_library.urlpatterns,
    *urls_meetings.urlpatterns,
]
