"""Loading the reference data (counties, sectors); used by the migration and by tests."""

from hamafza.persian.text import normalize
from hamafza.registry.data.reference import COUNTIES, PROVINCE, SECTORS


def ensure_reference_data(county_model, sector_model) -> None:
    """Add the counties and sectors that are missing; never changes existing rows."""
    for name in COUNTIES:
        county_model.objects.get_or_create(
            name=name, defaults={"province": PROVINCE, "name_key": normalize(name)}
        )
    for order, name in enumerate(SECTORS, start=1):
        sector_model.objects.get_or_create(
            name=name, defaults={"order": order, "name_key": normalize(name)}
        )
