"""Prints the versions the baseline runs, as one JSON object (setup.sh and bench.sh record it)."""

import json
import platform
from importlib.metadata import version

print(
    json.dumps(
        {
            "django-helpdesk": version("django-helpdesk"),
            "django": version("django"),
            "djangorestframework": version("djangorestframework"),
            "gunicorn": version("gunicorn"),
            "python": platform.python_version(),
        }
    )
)
