from django.conf import settings
from django.http import HttpRequest

from zhiliang.accounts.actors import actor_of


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": settings.SITE_NAME, "actor": actor_of(request)}
