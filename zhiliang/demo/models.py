"""What the demo generator has already built, so that running it again adds nothing."""

from django.db import models
from django.utils import timezone


class DemoStep(models.Model):
    name = models.CharField(max_length=60, unique=True)
    scale = models.CharField(max_length=10)
    seed = models.IntegerField()
    items = models.IntegerField(default=0)
    finished_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.scale}, seed {self.seed})"
