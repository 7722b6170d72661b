from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone

PASSWORDS_DIFFER = _("Passordene er ikke like.")


def password_fields(label, help_text) -> tuple[forms.CharField, forms.CharField]:
    """Django's new-password pair (not stripped, autocomplete="new-password") with our texts."""
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=label, label2=_("Gjenta passordet")
    )
    password1.help_text, password2.help_text = help_text, ""
    return password1, password2


class NewPasswordForm(SetPasswordMixin, forms.Form):
    """A form that ends with choosing a password: password1 and password2 must match."""

    error_messages = {"password_mismatch": PASSWORDS_DIFFER}

    def clean(self):
        data = super().clean()
        self.validate_passwords()
        return data


class LoginForm(AllauthLoginForm):
    """allauth's login form with a visible label in place of placeholder text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Brukernavn eller e-post")
        self.fields["password"].label = _("Passord")
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class ActivateAccountForm(NewPasswordForm):
    """Redeem the one-time code from the coordinator and choose a password."""

    username = forms.CharField(label=_("Brukernavn"), max_length=150)
    code = forms.CharField(
        label=_("Engangskode"),
        max_length=20,
        help_text=_("Koden du fikk av koordinatoren, f.eks. ABCD-EFGH-JKLM."),
    )
    password1, password2 = password_fields(
        _("Velg passord"), _("Minst 12 tegn. En setning du husker, er et godt passord.")
    )


class SetupCodeExceptionForm(forms.Form):
    """A case handler approves a set-up code for an adult who cannot use ID-porten."""

    reason = forms.CharField(
        label=_("Begrunnelse"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Hvorfor kan ikke personen bruke ID-porten? Begrunnelsen lagres og kan vises personen."
        ),
    )


class ContactDetailsForm(forms.Form):
    """The person's own e-mail address and mobile number."""

    email = forms.EmailField(label=_("E-post"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Mobil"), required=False, max_length=20, validators=[validate_phone]
    )
    uses_own_email = forms.BooleanField(
        label=_("Send varsler til e-postadressen over, ikke til den i KRR"),
        required=False,
        help_text=_(
            "Uten dette går varsler til e-postadressen og mobilnummeret du har i Kontakt- og "
            "reservasjonsregisteret (KRR), som du endrer på norge.no."
        ),
    )

    def __init__(self, *args, krr_enabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not krr_enabled:
            # Without KRR there is no other address to choose between.
            del self.fields["uses_own_email"]
