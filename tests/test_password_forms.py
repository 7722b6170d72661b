"""The two forms that end with choosing a password share Django's SetPasswordMixin."""

from __future__ import annotations

import pytest

from accounts.forms import PASSWORDS_DIFFER, ActivateAccountForm
from consent.forms import SignupFromInvitationForm

BASE = {
    ActivateAccountForm: {"username": "emma", "code": "ABCD-EFGH-JKLM"},
    SignupFromInvitationForm: {"first_name": "Per", "last_name": "Hansen", "username": "per"},
}


@pytest.mark.parametrize("form_class", list(BASE))
def test_it_refuses_two_different_passwords(form_class):
    form = form_class(
        {**BASE[form_class], "password1": "en lang setning", "password2": "en annen setning"}
    )
    assert not form.is_valid()
    assert form.errors["password2"] == [str(PASSWORDS_DIFFER)]


@pytest.mark.parametrize("form_class", list(BASE))
def test_it_keeps_spaces_around_a_password(form_class):
    secret = " en lang setning "
    form = form_class({**BASE[form_class], "password1": secret, "password2": secret})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["password1"] == secret
    assert form.fields["password1"].widget.attrs["autocomplete"] == "new-password"
