"""Fills a freshly migrated baseline database: the Site, one queue, a superuser and its DRF token.

Run by run.sh after `manage.py migrate`; prints `QUEUE=<id>` and `TOKEN=<key>` on stdout. The superuser
gets a random password nobody needs: the load generator authenticates with the token.
"""

import os
import secrets
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.db import connection  # noqa: E402
from helpdesk.models import EmailTemplate, Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

with connection.cursor() as cur:
    cur.execute("PRAGMA journal_mode")
    journal = cur.fetchone()[0]
if journal.lower() != "wal":
    sys.exit(f"bootstrap: SQLite journal_mode is {journal!r}, expected 'wal'")

Site.objects.update_or_create(id=1, defaults={"domain": "127.0.0.1", "name": "rapport-bench"})
queue, _ = Queue.objects.get_or_create(
    slug="support",
    defaults={"title": "Support", "email_address": "support@example.com", "allow_public_submission": True},
)
User = get_user_model()
user = User.objects.filter(username="bench").first()
if user is None:
    user = User.objects.create_superuser("bench", "bench@example.com", secrets.token_urlsafe(24))
token, _ = Token.objects.get_or_create(user=user)
templates = EmailTemplate.objects.filter(template_name__iexact="newticket_submitter").count()
print(f"QUEUE={queue.id}")
print(f"TOKEN={token.key}")
print(f"EMAIL_TEMPLATES_NEWTICKET_SUBMITTER={templates}")
