"""Consent to the plan, and its withdrawal, to the plan's folder in the Noark 5 archive: a PDF/A
record of who consented (or withdrew), to what, on which basis and how, written in the same
transaction as the consent and delivered by plans.services.noark. Nothing is rendered when
archiving is off. Consents to share with one participant are not archived (they are part of
the plan's access history, which the plan's snapshots carry)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from consent.models import Consent
from ipplan.files import private_storage
from ipplan.pdf import render_pdf
from plans.models import ArchiveDelivery
from plans.noark.arkivmelding import ENTRY_INCOMING, SCREENED, ArchiveDocument
from plans.services.archive import PLAN_FOLDER_TITLE
from plans.services.noark import archive_delivery_record, archive_mode

TITLES = {
    False: "Samtykke til individuell plan",
    True: "Tilbaketrekking av samtykke til individuell plan",
}


def consent_archive(consent: Consent, *, withdrawal: bool = False) -> ArchiveDelivery | None:
    if not archive_mode() or consent.kind != Consent.Kind.PLAN:
        return None
    plan, title = consent.plan, TITLES[withdrawal]
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(
            "consent/print/consent_record.html",
            {
                "title": title,
                "consent": consent,
                "cosignatures": list(consent.cosignatures.all()),
                "plan": plan,
                "municipality": plan.municipality,
            },
        )
    name = private_storage().save(f"archive/consents/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    moment = consent.withdrawn_at if withdrawal else (consent.complete_at or timezone.now())
    who = consent.withdrawn_by.display_name if withdrawal and consent.withdrawn_by else None
    doc = ArchiveDocument(
        folder_key=f"plan:{plan.pk}",
        folder_title=PLAN_FOLDER_TITLE % {"name": plan.owner.display_name},
        folder_public_title=PLAN_FOLDER_TITLE % {"name": SCREENED},
        title=title,
        public_title=title,
        entry=ENTRY_INCOMING,
        document_date=timezone.localdate(moment),
        created_at=moment,
        author=who or consent.given_by_name,
        correspondent=who or consent.given_by_name,
        unit=plan.municipality.coordinating_unit_name,
        filename=f"samtykke-{consent.pk}{'-tilbaketrukket' if withdrawal else ''}.pdf",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        national_id=plan.owner.get_national_id(),
    )
    kind = ArchiveDelivery.Kind.CONSENT_WITHDRAWAL if withdrawal else ArchiveDelivery.Kind.CONSENT
    source = f"consent_withdrawal:{consent.pk}" if withdrawal else f"consent:{consent.pk}"
    return archive_delivery_record(
        municipality=plan.municipality,
        plan=plan,
        kind=kind,
        source=source,
        doc=doc,
        storage_name=name,
    )
