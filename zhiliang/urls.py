from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from zhiliang.api import api

urlpatterns = [
    # first: a scan is the most frequent request, and its patterns share no prefix with the rest
    path("", include("zhiliang.tracing.urls")),  # GS1 Digital Link paths live at the root
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("ledger/", include("zhiliang.ledger.urls")),
    path("grading/", include("zhiliang.grading.urls")),
    path("", include("zhiliang.portal.urls")),
]
