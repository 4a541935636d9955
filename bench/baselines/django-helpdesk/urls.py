"""URLs of the django-helpdesk baseline: helpdesk at the root (its API at /api/tickets/), the admin, and
/healthz for `ingest-load wait`."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path


def healthz(_request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
