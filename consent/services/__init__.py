"""Writes of the consent app, by subdomain: the access log (`access_log`), the plan's change
history (`history`), consent records (`consents`), access grants and guardian's permission rows
behind them (`grants`), and invitations (`invitations`).

Every read and write of plan data is logged through `access_log_*`; every change to the plan
through `history.record_change`, which also logs it. The names below are re-exported so that
`from consent.services import ...` keeps working for callers outside this app.
"""

from consent.services.access_log import PlanRead, access_log_entries, access_log_write
from consent.services.consents import (
    CONSENT_EXISTS,
    NO_ACTIVE_CONSENT,
    NOT_YOURS_TO_DECIDE,
    ONLY_COORDINATOR,
    PLAN_CONSENT_TEXT,
    SHARING_CONSENT_TEXT,
    plan_consent_give,
    plan_consent_mark_withdrawn,
    plan_consent_record_paper,
)
from consent.services.grants import (
    END_DATE_PASSED,
    END_DATE_TOO_FAR,
    MAX_GRANT_DAYS,
    PARTICIPANT_HAS_NO_LOGIN,
    delete_expired_permissions,
    grants_confirm,
    grants_decide,
    grants_extend,
    grants_for_participant,
    grants_propose,
    grants_revoke,
    grants_revoke_all,
)
from consent.services.history import record_change
from consent.services.invitations import (
    ALREADY_PARTICIPANT,
    INVITATION_DAYS,
    INVITATION_INVALID,
    OWNER_CANNOT_BE_PARTICIPANT,
    invitation_accept,
    invitation_for_token,
    invitation_send,
)

__all__ = [
    "ALREADY_PARTICIPANT",
    "CONSENT_EXISTS",
    "END_DATE_PASSED",
    "END_DATE_TOO_FAR",
    "INVITATION_DAYS",
    "INVITATION_INVALID",
    "MAX_GRANT_DAYS",
    "NOT_YOURS_TO_DECIDE",
    "NO_ACTIVE_CONSENT",
    "ONLY_COORDINATOR",
    "OWNER_CANNOT_BE_PARTICIPANT",
    "PARTICIPANT_HAS_NO_LOGIN",
    "PLAN_CONSENT_TEXT",
    "SHARING_CONSENT_TEXT",
    "PlanRead",
    "access_log_entries",
    "access_log_write",
    "delete_expired_permissions",
    "grants_confirm",
    "grants_decide",
    "grants_extend",
    "grants_for_participant",
    "grants_propose",
    "grants_revoke",
    "grants_revoke_all",
    "invitation_accept",
    "invitation_for_token",
    "invitation_send",
    "plan_consent_give",
    "plan_consent_mark_withdrawn",
    "plan_consent_record_paper",
    "record_change",
]
