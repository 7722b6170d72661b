"""Settings for the test suite: production's settings with a fast password hasher.

Argon2 costs about 0.3 s per hashed password, and nearly every test makes users. The hasher is
the only difference; `tests/test_settings.py` proves that production hashes with Argon2.
"""

from ipplan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
