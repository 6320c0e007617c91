"""C2SP tlog-tiles paths and the public ledger page under /ledger/."""

from django.urls import URLPattern

app_name = "ledger"
urlpatterns: list[URLPattern] = []
