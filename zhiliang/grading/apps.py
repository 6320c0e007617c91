from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "zhiliang.grading"
    label = "grading"
    verbose_name = _("Quality grading")

    def ready(self) -> None:
        from zhiliang.common import worker
        from zhiliang.grading import cards, services
        from zhiliang.portal.consoles import register_cards

        register_cards(cards.cards_for)
        # Expiry reminders (G4): the lambda looks the function up at call time (tests patch it).
        worker.register_job("grading.reminders", lambda: services.send_expiry_reminders())
