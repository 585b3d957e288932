"""URLs of the cases part; each area keeps its own list (urls_<area>.py)."""

from hamafza.cases import urls_cases, urls_desk, urls_report

app_name = "cases"

urlpatterns = [*urls_report.urlpatterns, *urls_desk.urlpatterns, *urls_cases.urlpatterns]
