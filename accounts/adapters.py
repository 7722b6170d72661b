"""allauth adapters: no public sign-up, ID-porten linking, MFA secrets encrypted at rest."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import crypto, helseid
from accounts.idporten import NONCE_MISMATCH, refuse
from accounts.models import SecurityEvent, User
from accounts.roles import user_roles
from accounts.security import security_event_record

security_log = logging.getLogger("ipplan.security")

ALREADY_LINKED = _("Denne ID-porten-identiteten er allerede knyttet til en annen bruker.")
WRONG_PERSON = _("Du logget inn i ID-porten som en annen person enn den som eier denne brukeren.")
LOGIN_LIMITED = _(
    "For mange mislykkede innloggingsforsøk herfra på kort tid. Vent noen minutter og prøv "
    "igjen. Har du glemt passordet, kan du lage et nytt med «Glemt passord?»."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": LOGIN_LIMITED,
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's "key" for the failed-login limit is the account alone, so anyone who knows
        # a username could lock its owner out. Keyed by client address and account, a guesser
        # is stopped while the owner, from another address, still gets in; the "ip" rate in
        # ACCOUNT_RATE_LIMITS["login_failed"] stops one address trying many accounts.
        account_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_ip(request)}|{account_key}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event_record(
                SecurityEvent.Kind.LOGIN_LIMITED,
                user=_account_for(credentials),
                request=request,
                detail="login_failed",
            )
            raise

    def is_open_for_signup(self, request):
        # Accounts are created by the municipality (coordinators, case handlers, invitations)
        # or by logging in with ID-porten; nobody signs up with a made-up local account.
        return False


def _account_for(credentials) -> User | None:
    """The account a login attempt named, so that its owner can see the limited attempts
    (the typed text itself is never logged)."""
    login = (credentials.get("username") or credentials.get("email") or "").strip()
    if not login:
        return None
    return User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # A citizen's first ID-porten login creates their account: they may apply for a plan.
        # A HelseID login never creates one (accounts.helseid).
        return sociallogin.account.provider != helseid.PROVIDER_ID

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # E-mail from an identity provider is not verified by us; the person adds it later.
        user.email = ""
        return user

    def pre_social_login(self, request, sociallogin):
        claims = sociallogin.account.extra_data.get("id_token", {})
        expected_nonce = (sociallogin.state or {}).get("nonce")
        if not expected_nonce or claims.get("nonce") != expected_nonce:
            refuse(request, NONCE_MISMATCH, reason="nonce mismatch")
        if sociallogin.account.provider == helseid.PROVIDER_ID:
            helseid.pre_social_login(
                request,
                sociallogin,
                refuse,
                User,
                lambda user: user_roles(user).is_staff_member,
            )
            return
        # The token's identity; for a known subject sociallogin.user is already the stored user.
        digest = claims.get("pid_digest")
        if sociallogin.is_existing:
            if sociallogin.user.national_id_digest != digest:
                refuse(request, ALREADY_LINKED, reason="subject linked to another person")
            return
        if (sociallogin.state or {}).get("process") == "connect":
            self._connect_identity(request, sociallogin, digest)
            return
        existing = User.objects.filter(national_id_digest=digest, is_active=True).first()
        if existing is not None:
            sociallogin.connect(request, existing)
            security_log.info("idporten identity linked to existing user id=%s", existing.pk)

    def _connect_identity(self, request, sociallogin, digest):
        """A logged-in local user links ID-porten: it must be the same person."""
        current = request.user
        if current.national_id_digest and current.national_id_digest != digest:
            refuse(request, WRONG_PERSON, reason="connect with a different person")
        if User.objects.filter(national_id_digest=digest).exclude(pk=current.pk).exists():
            refuse(request, ALREADY_LINKED, reason="connect to identity of another user")
        if not current.national_id_digest:
            verified = sociallogin.user
            current.national_id_digest = verified.national_id_digest
            current.national_id_encrypted = verified.national_id_encrypted
            current.birth_date = verified.birth_date
            current.save(
                update_fields=["national_id_digest", "national_id_encrypted", "birth_date"]
            )


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are encrypted with the installation's data key."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


def user_display(user) -> str:
    """How allauth names the user (the login flash "Logget inn som …"): their name, not the
    username."""
    return user.display_name
