"""The coordinating unit's cases: applications and referrals, assessment, decisions and
letters, the coordinator registry and who has read each case."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from casework.deadlines import complaint_deadline
from ipplan.append_only import AppendOnlyModel
from plans.law import legal_reference


class ComplaintRule(models.Model):
    """How long a person has to complain, by the law the decision is made under: data, not
    code. The rule's text and citation are the legal reference `reference_code`; only rules
    `for_health_rights` may be used for decisions on plan, coordinator and barnekoordinator
    (the rights act's own complaint rules, legal reference "fvl_not_applicable")."""

    code = models.SlugField(max_length=30, unique=True)
    reference_code = models.SlugField(max_length=50, blank=True)
    for_health_rights = models.BooleanField(default=False)
    weeks = models.PositiveSmallIntegerField(_("uker"))
    description = models.CharField(_("beskrivelse"), max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.law} ({self.weeks} uker)"

    @property
    def law(self) -> str:
        """The citation in force today, from the table of legal references."""
        return legal_reference(self.reference_code).citation if self.reference_code else ""


class Case(models.Model):
    """An application or referral for individual plan and/or coordinator, from receipt on."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Søknad")
        REFERRAL = "referral", _("Melding om behov")
        PAPER = "paper", _("Papirsøknad")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        ASSESSING = "assessing", _("Under vurdering")
        DECIDED = "decided", _("Vedtak fattet")
        COMPLAINT = "complaint", _("Klage")
        CLOSED = "closed", _("Avsluttet")

    class SubmitterRole(models.TextChoices):
        SELF = "self", _("Personen selv")
        GUARDIAN = "guardian", _("Foresatt eller verge")
        RELATIVE = "relative", _("Pårørende")
        PROFESSIONAL = "professional", _("Fagperson")
        CASE_HANDLER = "case_handler", _("Registrert av koordinerende enhet")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("saksnummer"), max_length=20)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("mottatt"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_cases",
    )
    submitter_role = models.CharField(
        max_length=20, choices=SubmitterRole.choices, default=SubmitterRole.SELF
    )
    submitter_name = models.CharField(_("sendt av"), max_length=150, blank=True)
    wants_plan = models.BooleanField(_("individuell plan"), default=False)
    wants_coordinator = models.BooleanField(_("koordinator"), default=False)
    wants_child_coordinator = models.BooleanField(_("barnekoordinator"), default=False)
    needs = models.TextField(_("behov, med egne ord"))
    current_services = models.TextField(_("tjenester i dag"), blank=True)
    preferred_coordinator = models.CharField(_("ønsket koordinator"), max_length=200, blank=True)
    consent_to_contact = models.BooleanField(_("samtykke til å kontakte tjenestene"), default=False)
    consent_note = models.CharField(_("hvordan samtykket er gitt"), max_length=300, blank=True)
    scanned_form = models.CharField(max_length=100, blank=True)
    # An application for a child the parents expect: the due date. The case's person is the
    # child's own record, without an identity number until it is linked after the birth
    # (casework.services.expected).
    expected_on = models.DateField(_("termindato"), null=True, blank=True)
    interim_reply_sent_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="coordination_case_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(wants_plan=True)
                | models.Q(wants_coordinator=True)
                | models.Q(wants_child_coordinator=True),
                name="coordination_case_asks_for_something",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "received_on"]),
            models.Index(fields=["municipality", "assigned_to", "status"]),
            # The work queue: open cases oldest first, a page at a time (casework.selectors.
            # case_queue). The condition must stay the queue's own filter, OPEN_CASE_STATUSES.
            # Decided cases still waiting for an appointment come from the decisions' own
            # index (casework_decision_pending): they are few, while decided cases pile up.
            models.Index(
                fields=["municipality", "received_on", "id"],
                condition=models.Q(status__in=["received", "assessing"]),
                name="casework_case_open_queue",
            ),
            # The statistics (casework.statistics.monthly): a year of cases by month of
            # receipt and of decision, read from the indexes alone (no table rows).
            models.Index(
                fields=["municipality", "received_on", "decided_on", "interim_reply_sent_on"],
                name="casework_case_received_stats",
            ),
            models.Index(
                fields=["municipality", "decided_on", "received_on"],
                condition=models.Q(decided_on__isnull=False),
                name="casework_case_decided_stats",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def is_expected_child(self) -> bool:
        return expected_child(self.expected_on, self.person.has_national_id)


def expected_child(expected_on, has_national_id: bool) -> bool:
    """The case is for a child not yet born (or not yet linked to the identity number): it has
    a due date and the person no identity number."""
    return expected_on is not None and not has_national_id


# Still being handled by the coordinating unit (in the work queue).
OPEN_CASE_STATUSES = (Case.Status.RECEIVED, Case.Status.ASSESSING)


class Assessment(models.Model):
    """The assessment checklist, one test per right (legal references "right_to_plan",
    "right_to_coordinator", "right_to_child_coordinator")."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    long_term = models.BooleanField(_("Behovet er langvarig (en viss varighet)"), default=False)
    complex_needs = models.BooleanField(_("Behovet er komplekst (sammensatt)"), default=False)
    two_or_more_services = models.BooleanField(
        _("Behov for to eller flere tjenester"), default=False
    )
    seen_together = models.BooleanField(_("Tjenestene bør ses i sammenheng"), default=False)
    consent_present = models.BooleanField(_("Samtykke foreligger"), default=False)
    child_under_18 = models.BooleanField(
        _("Barn under 18 år, eller et barn familien venter"), default=False
    )
    serious_condition = models.BooleanField(
        _("Alvorlig sykdom, skade eller nedsatt funksjonsevne"), default=False
    )
    health_and_welfare = models.BooleanField(
        _("Barnet trenger helse- og omsorgstjenester og andre velferdstjenester"), default=False
    )
    parents_want_it = models.BooleanField(_("Foreldrene ønsker barnekoordinator"), default=False)
    reasons = models.TextField(_("vurdering"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Assessment of {self.case_id}"

    @property
    def coordinated(self) -> bool:
        return self.two_or_more_services and self.seen_together

    @property
    def right_to_plan(self) -> bool:
        """Long-term and coordinated services."""
        return self.long_term and self.coordinated

    @property
    def right_to_coordinator(self) -> bool:
        """A wider test than the plan's: complex *or* long-term, and coordinated."""
        return (self.complex_needs or self.long_term) and self.coordinated

    @property
    def right_to_child_coordinator(self) -> bool:
        """The family's right: a child (born or expected) with serious illness, injury or
        disability who will need long-term or complex and coordinated health and care services
        *and* other welfare services. Not the plan's test."""
        return (
            self.child_under_18
            and self.serious_condition
            and (self.long_term or self.complex_needs)
            and self.health_and_welfare
            and self.parents_want_it
        )


class Letter(models.Model):
    """A letter to the person, kept with the case and delivered to their inbox in ipplan."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Vedtak")
        INTERIM = "interim", _("Foreløpig svar")
        COMPLAINT_REJECTED = "complaint_rejected", _("Avvisning av klage")
        FORWARDED = "forwarded", _("Oversendelse til Statsforvalteren")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters"
    )
    storage_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # The legal references in force on the letter's date, as printed: a letter never changes.
    legal_references = models.ManyToManyField("plans.LegalReference", blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


_GRANTED = ("granted", "partly")
# A decision that grants a plan or a coordinator and still has no coordinator appointed (or,
# for a plan, no plan created): the case handler has work left on its case.
APPOINTMENT_PENDING = models.Q(appointed_coordinator__isnull=True) & (
    models.Q(plan_outcome__in=_GRANTED)
    | models.Q(coordinator_outcome__in=_GRANTED)
    | models.Q(child_coordinator_outcome__in=_GRANTED)
) | models.Q(plan_outcome__in=_GRANTED, plan__isnull=True)


class Decision(models.Model):
    """A written, reasoned decision with the rules applied, the facts, the main considerations
    and how to complain (legal references "fvl_not_applicable", "complaint")."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Innvilget")
        PARTLY = "partly", _("Delvis innvilget")
        REFUSED = "refused", _("Avslått")
        NOT_ASKED = "not_asked", _("Ikke søkt om")

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Vedtak")
        AFTER_COMPLAINT = "after_complaint", _("Nytt vedtak etter klage")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORIGINAL)
    plan_outcome = models.CharField(_("individuell plan"), max_length=10, choices=Outcome.choices)
    coordinator_outcome = models.CharField(_("koordinator"), max_length=10, choices=Outcome.choices)
    child_coordinator_outcome = models.CharField(
        _("barnekoordinator"), max_length=10, choices=Outcome.choices, default=Outcome.NOT_ASKED
    )
    facts = models.TextField(_("faktiske forhold"))
    considerations = models.TextField(_("hovedhensyn i vurderingen"))
    legal_basis = models.TextField(_("lovgrunnlag"))
    complaint_rule = models.ForeignKey(ComplaintRule, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    notified_on = models.DateField(_("mottatt av personen"))
    letter = models.OneToOneField(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    appointed_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    untrained_override_reason = models.TextField(blank=True)
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    # The barnekoordinator's family workspace, made when the barnekoordinator is appointed.
    family = models.ForeignKey(
        "plans.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            # The few decisions whose case stays in the work queue (casework.selectors.
            # appointment_pending); the condition must stay APPOINTMENT_PENDING.
            models.Index(
                fields=["case"], condition=APPOINTMENT_PENDING, name="casework_decision_pending"
            ),
        ]
        constraints = [
            # A double submit cannot create two first decisions in one case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(kind="original"),
                name="coordination_one_original_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision in {self.case_id}"

    @property
    def complaint_deadline(self) -> datetime.date:
        """The last day to complain, by the decision's rule, past weekends and holidays."""
        return complaint_deadline(self.notified_on, self.complaint_rule.weeks)

    @property
    def grants_plan(self) -> bool:
        return self.plan_outcome in (self.Outcome.GRANTED, self.Outcome.PARTLY)

    @property
    def grants_coordinator(self) -> bool:
        return any(
            o in (self.Outcome.GRANTED, self.Outcome.PARTLY)
            for o in (self.coordinator_outcome, self.child_coordinator_outcome)
        )


class CoordinatorProfile(models.Model):
    """The coordinator registry: service, training (required before appointment) and whether
    the person can be barnekoordinator. Caseload is counted from open plans."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_profiles"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="coordinator_profiles"
    )
    trained_on = models.DateField(_("opplæring fullført"), null=True, blank=True)
    course = models.CharField(_("kurs"), max_length=200, blank=True)
    can_be_child_coordinator = models.BooleanField(_("kan være barnekoordinator"), default=False)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="coordination_one_profile_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_trained(self) -> bool:
        return self.trained_on is not None


class CaseAccessLogEntry(AppendOnlyModel):
    """Who read or changed a case, for the person's insight. Append-only (ipplan/append_only.py)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    # `what` is stored as the bokmål source text and translated when shown; `detail` is data
    # (a name, a letter's case number) shown as it is.
    what = models.CharField(max_length=100)
    detail = models.CharField(max_length=150, blank=True)
    # For a read: every part of the case the page showed, as bokmål source texts (translated
    # when shown), e.g. ["Saken", "Vurdering", "Vedtak"]. Rows before this field have [].
    shown = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at"])]

    ACTIONS = {
        "read": _("Så"),
        "create": _("Opprettet"),
        "update": _("Endret"),
        "letter": _("Sendte brev"),
    }

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.what}"

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)

    @property
    def what_label(self) -> str:
        """What was read or changed, in the reader's language: "Saken, Vurdering, Brev"."""
        return ", ".join(gettext(part) for part in (self.shown or [self.what]))


class LetterDelivery(models.Model):
    """One letter on its way to one addressee outside ipplan: to their digital mailbox, or on
    paper when they are reserved in KRR or have no mailbox. Written in the letter's own
    transaction (the letter's save never waits on the outside service), sent by a task at
    least once; `reference` is our idempotency key (the service's eksternReferanse), so a
    retry after a lost answer finds the letter that went out instead of sending it twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Venter på sending")
        SENT = "sent", _("Sendt til digital postkasse")
        DELIVERED = "delivered", _("Levert i digital postkasse")
        READ = "read", _("Lest")
        PRINT = "print", _("Skal skrives ut og sendes med post")
        PRINTED = "printed", _("Skrevet ut og sendt med post")
        FAILED = "failed", _("Ikke levert")

    class PrintReason(models.TextChoices):
        RESERVED = "reserved", _("reservert mot digital kommunikasjon i KRR")
        NO_MAILBOX = "no_mailbox", _("har ingen digital postkasse")
        NOT_IN_KRR = "not_in_krr", _("finnes ikke i KRR")
        NO_NATIONAL_ID = "no_national_id", _("mangler fødselsnummer")
        REFUSED = "refused", _("den digitale posttjenesten leverte ikke brevet")

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    print_reason = models.CharField(
        max_length=20, choices=PrintReason.choices, blank=True, default=""
    )
    transport = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "addressee"], name="casework_delivery_once_per_addressee"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="casework_delivery_due",
            ),
            models.Index(
                fields=["state"],
                condition=models.Q(state__in=["print", "failed"]),
                name="casework_delivery_attention",
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.reference} ({self.state})"

    @property
    def needs_print(self) -> bool:
        return self.state == self.State.PRINT
