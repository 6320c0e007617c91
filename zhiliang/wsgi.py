"""WSGI entry point for gunicorn (see `zhiliang serve` and README, production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiliang.settings")
application = get_wsgi_application()
