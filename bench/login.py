"""The personas log in through the real login over HTTP, like a browser: the login form
(username and password), then for staff the TOTP form with a code computed from the seeded
secret by the same library the app checks it with. Returns each persona's Cookie header.

The server runs with production settings behind no proxy, so every request carries
`X-Forwarded-Proto: https` as the TLS-terminating proxy in front of production does: the app
then sees the request as HTTPS (no redirect) and sets its secure `__Host-` cookies, which this
client keeps itself (a cookie jar would not send secure cookies over plain HTTP).
"""

from __future__ import annotations

import re
import time
from http.cookies import SimpleCookie

import httpx

from bench.pages import PERSONAS

DEMO_PASSWORD = "demo-ipplan-2026"  # noqa: S105 (the demo's published password)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        origin = self.base_url.replace("http://", "https://", 1)
        self.headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        self.cookies: dict[str, str] = {}
        self.client = httpx.Client(base_url=self.base_url, follow_redirects=False, timeout=60)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items()))

    def request(self, method: str, path: str, data=None) -> httpx.Response:
        headers = {**self.headers, "Referer": self.headers["Origin"] + path}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        response = self.client.request(method, path, data=data, headers=headers)
        self.client.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def post_form(self, path: str, fields: dict) -> httpx.Response:
        page = self.request("GET", path)
        match = TOKEN.search(page.text)
        if page.status_code != 200 or match is None:
            raise RuntimeError(f"GET {path}: {page.status_code}, no form")
        return self.request("POST", path, data={"csrfmiddlewaretoken": match.group(1), **fields})


def login(base_url: str, username: str, code_for) -> str:
    browser = Browser(base_url)
    response = browser.post_form("/konto/login/", {"login": username, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"{username}: login answered {response.status_code}")
    if PERSONAS[username]:
        step = response.headers["location"]
        # A code is accepted once: never send one from the last seconds of its period.
        if 30 - time.time() % 30 < 3:
            time.sleep(3)
        response = browser.post_form(step, {"code": code_for(username)})
        if response.status_code != 302:
            raise RuntimeError(f"{username}: TOTP step answered {response.status_code}")
    home = browser.request("GET", "/")
    if home.status_code != 200:
        raise RuntimeError(f"{username}: home page answered {home.status_code} after login")
    return browser.cookie_header


def login_all(base_url: str, code_for) -> dict[str, str]:
    return {username: login(base_url, username, code_for) for username in PERSONAS}
