"""URLs of the decisions part; each area keeps its own list (urls_<area>.py)."""

import contextlib
import importlib

app_name = "decisions"

urlpatterns = []
for _area in ("consultations", "proposals", "library", "meetings"):
    with contextlib.suppress(ModuleNotFoundError):  # an area not built yet
        urlpatterns += importlib.import_module(f"hamafza.decisions.urls_{_area}").urlpatterns
