"""URLs of the follow-up part; each area keeps its own list (urls_<area>.py)."""

from hamafza.followup import urls_accountability, urls_actions

app_name = "followup"

urlpatterns = [*urls_actions.urlpatterns, *urls_accountability.urlpatterns]
