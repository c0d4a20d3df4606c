"""Digests of secrets and people: what the store keeps instead of the thing itself.

API keys and report status tokens are stored only as digests, and reporters only as a
keyed digest that counts distinct reporters without naming them. Keyed digests (HMAC
with the server secret) cannot be reversed from the database alone, even for small
input spaces such as IPv4 addresses.
"""

from __future__ import annotations

import hashlib
import hmac


def hash_token(secret: str, token: str) -> str:
    """The keyed digest an API key is stored and looked up by."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """The digest a report's status token is stored under (the token is 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def reporter_hash(secret: str, who: str) -> str:
    """A keyed digest of a reporter (key or network address): counts distinct reporters
    without storing who they are in a form anyone can reverse."""
    return hmac.new(secret.encode(), b"reporter\n" + who.encode(), hashlib.sha256).hexdigest()
