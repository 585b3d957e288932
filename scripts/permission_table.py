"""Print the Markdown table of every URL and who may use it, from the permission matrix.

    HAMAFZA_TESTING=1 .venv/bin/python scripts/permission_table.py

docs/permissions.md carries its output; a test checks the two stay in step.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamafza.settings")
os.environ.setdefault("HAMAFZA_TESTING", "1")


def table() -> str:
    import django

    django.setup()
    from django.urls import get_resolver

    from hamafza.conftest import PERSONAS
    from hamafza.core.tests.test_permission_matrix import EXPECTED, _walk

    patterns = {name: str(p.pattern) for name, p in _walk(get_resolver().url_patterns)}
    lines = [
        "| URL name | method | " + " | ".join(PERSONAS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in PERSONAS) + " |",
    ]
    for name in sorted(EXPECTED, key=lambda n: (n.split(":")[0], n)):
        row = EXPECTED[name]
        cells = []
        for persona in PERSONAS:
            if persona in row.allowed:
                codes = row.per_persona.get(persona, row.ok)
                cells.append("✓ " + "/".join(str(c) for c in codes))
            elif persona == "public":
                cells.append("401" if row.api else "→ sign-in")
            else:
                cells.append("/".join(str(c) for c in row.denied))
        lines.append(f"| `{name}` | {row.method.upper()} | " + " | ".join(cells) + " |")
    assert patterns  # every name in EXPECTED is a real pattern (the matrix test checks it)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
