"""C2SP tlog-tiles paths and the public ledger page under /ledger/."""

from django.urls import URLPattern, path, re_path

from zhiliang.ledger import views

app_name = "ledger"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    # Never ending in "/": a 404 must stay a 404, not become an APPEND_SLASH redirect.
    re_path(r"^(?P<path>tile/.*[^/])$", views.tile, name="tile"),
]
