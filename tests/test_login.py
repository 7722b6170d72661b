"""Local login: username or e-mail, no enumeration, throttling per address and per address and
account (never locking the owner out), staff MFA."""

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.adapters import LOGIN_LIMITED
from accounts.models import SecurityEvent, User
from tests.conftest import totp_code
from tests.factories import PASSWORD, UserFactory, staff, with_totp

LOGIN = "/konto/login/"


def login(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def test_a_citizen_logs_in_with_username_and_lands_on_the_home_page(client, owner):
    response = login(client, "ingrid")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(owner.pk)
    home = client.get(reverse("home"))
    assert "Hei, Ingrid" in home.content.decode()


def test_a_citizen_can_log_in_with_e_mail_in_any_case(client, owner):
    response = login(client, owner.email.upper())
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(owner.pk)


def test_the_session_key_changes_at_login(client, owner):
    client.get(LOGIN)
    before = client.session.session_key
    login(client, "ingrid")
    assert client.session.session_key != before


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, owner):
    wrong_password = login(client, "ingrid", "not-the-password-at-all")
    unknown_user = login(client, "nobody-here", "not-the-password-at-all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert SESSION_KEY not in client.session


def test_password_reset_does_not_reveal_whether_an_account_exists(client, owner):
    known = client.post("/konto/password/reset/", {"email": owner.email})
    unknown = client.post("/konto/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_mail = [m for m in mail.outbox if owner.email in m.to]
    assert len(reset_mail) == 1
    assert owner.get_national_id() not in reset_mail[0].body


def test_failed_logins_lock_one_account_without_locking_out_the_office(client, owner, db):
    colleague = UserFactory(username="colleague")
    for _ in range(5):
        assert login(client, "ingrid", "wrong-password-guess").status_code == 200
    locked = login(client, "ingrid")  # even the right password is refused for a while
    assert SESSION_KEY not in client.session
    assert locked.status_code == 429
    # Same client address, another account: not affected.
    assert login(client, "colleague").status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)


def test_it_still_lets_the_owner_in_from_another_address_while_a_guesser_is_limited(owner):
    guesser, the_owner = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert login(guesser, "ingrid", "wrong-password-guess").status_code == 200
    assert login(guesser, "ingrid").status_code == 429
    response = login(the_owner, "ingrid")
    assert response.status_code == 302
    assert the_owner.session[SESSION_KEY] == str(owner.pk)


def test_it_answers_a_limited_attempt_with_429_and_a_clear_message(client, owner):
    for _ in range(5):
        login(client, "ingrid", "wrong-password-guess")
    response = login(client, "ingrid")
    assert response.status_code == 429
    assert str(LOGIN_LIMITED) in response.content.decode()


def test_it_writes_limited_attempts_to_the_security_log(owner):
    guesser = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        login(guesser, "INGRID", "wrong-password-guess")
    login(guesser, "INGRID", "another-guess-here")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_LIMITED)
    assert event.user == owner and event.client == "203.0.113.66"
    assert "INGRID" not in event.detail and "guess" not in event.detail


def test_it_limits_one_address_trying_many_accounts(settings, db):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "3/m/ip,5/5m/key",
    }
    UserFactory(username="victim")
    guesser, elsewhere = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="198.51.100.7")
    for name in ("anna", "bjorn", "cecilie"):
        assert login(guesser, name, "wrong-password-guess").status_code == 200
    assert login(guesser, "victim").status_code == 429
    assert login(elsewhere, "victim").status_code == 302


def test_nobody_can_sign_up_for_a_local_account(client, db):
    page = client.get("/konto/signup/")
    assert "stengt" in page.content.decode().lower() or "closed" in page.content.decode().lower()
    client.post(
        "/konto/signup/", {"username": "mallory", "password1": "x" * 20, "password2": "x" * 20}
    )
    assert not User.objects.filter(username="mallory").exists()


def test_staff_with_totp_must_give_a_code_before_they_are_logged_in(client, municipality):
    user = staff("coordinator", municipality, mfa=False, username="kari")
    secret = with_totp(user)
    response = login(client, "kari")
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and SESSION_KEY not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_totp_code_cannot_be_used_twice(client, municipality):
    user = staff("coordinator", municipality, mfa=False, username="kari")
    code = totp_code(with_totp(user))
    login(client, "kari")
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.logout()
    login(client, "kari")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert SESSION_KEY not in client.session


def test_behind_the_trusted_proxy_the_limit_and_the_log_use_the_forwarded_address(settings, owner):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"  # every request arrives from the reverse proxy
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    the_owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    for _ in range(6):
        login(guesser, "ingrid", "wrong-password-guess")
    assert login(the_owner, "ingrid").status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_LIMITED)
    assert event.client == "203.0.113.66"


def test_the_login_flash_names_the_person_not_the_username(client, owner):
    response = client.post(LOGIN, {"login": "ingrid", "password": PASSWORD}, follow=True)
    flashes = [str(m) for m in response.context["messages"]]
    assert any(owner.display_name in m for m in flashes), flashes
    assert owner.display_name != "ingrid"
    assert not any("som ingrid" in m for m in flashes)
