"""Consent, access and the access log: the owner decides, the coordinator proposes."""
