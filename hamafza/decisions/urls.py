"""URLs of the decisions part; each area keeps its own list (urls_<area>.py)."""

import importlib

app_name = "decisions"

urlpatterns = []
for _area in ("consultations", "proposals", "library", "meetings"):
    try:
        urlpatterns += importlib.import_module(f"hamafza.decisions.urls_{_area}").urlpatterns
    except ModuleNotFoundError:  # an area not built yet
        pass
