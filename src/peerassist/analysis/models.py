"""Analysis: themes, votes, coded enablers and barriers (CFIR 2.0), and actions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from peerassist.accounts.models import Organisation
from peerassist.core.models import TimeStampedModel


class CfirConstruct(TimeStampedModel):
    """A CFIR 2.0 domain construct or subconstruct, or an organisation's own addition.

    The standard list (organisation null) is loaded by a data migration from
    ``analysis/data/cfir2.csv``; organisations may add their own constructs.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="constructs"
    )
    code = models.CharField(max_length=20)
    domain = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    definition = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="standard_cfir_code"
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=Q(organisation__isnull=False),
                name="org_cfir_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
