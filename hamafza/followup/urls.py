"""URLs of the follow-up part; each area keeps its own list (urls_<area>.py)."""

import contextlib
import importlib

app_name = "followup"

urlpatterns = []
for _area in ("actions", "accountability"):
    with contextlib.suppress(ModuleNotFoundError):  # an area not built yet
        urlpatterns += importlib.import_module(f"hamafza.followup.urls_{_area}").urlpatterns
