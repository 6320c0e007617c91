from django.urls import path

from zhiliang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search", views.search, name="search"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("console/", views.console, name="console"),
    path("console/enterprises/", views.enterprise_list, name="enterprises"),
    path("console/enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise"),
    path("console/tokens/", views.tokens, name="tokens"),
    path("enterprises/<int:enterprise_id>/", views.public_enterprise, name="public-enterprise"),
]
