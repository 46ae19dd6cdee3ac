"""Passwords: the one rule for a new password, and hashing with argon2 (argon2-cffi's parameters).

`check_password` is used wherever a password is set (registration, reset, invitation, change, and
`service.create_user` for seeded accounts). A password is refused when it is shorter than 12 or
longer than 128 characters, contains the e-mail address's local part or the organisation's name,
or is easy to guess: zxcvbn (Dropbox's estimator, with its lists of the 30,000 most common
passwords, English words, names and surnames) extended with the 50,000 most frequent Dutch words
of pyspellchecker's Dutch dictionary must estimate at least 10^10 guesses (zxcvbn's score 4).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import matching, zxcvbn

from portal.accounts.rules import FieldRefused

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MIN_SCORE = 4  # zxcvbn: 4 means at least 10^10 guesses ("very unguessable")
DUTCH_WORDS = 50_000
_ESTIMATED_LENGTH = 72  # zxcvbn's own bound; a longer password is judged by its first 72 characters
_SEPARATORS = re.compile(r"[\W_]+")
# Words in many organisation names that say nothing about this one.
_GENERIC_NAME_WORDS = frozenset(
    [
        "stichting",
        "zorg",
        "zorggroep",
        "groep",
        "holding",
        "coöperatie",
        "cooperatie",
        "vereniging",
        "praktijk",
        "centrum",
        "jeugd",
        "jeugdzorg",
        "begeleiding",
        "nederland",
        "noord",
        "zuid",
        "oost",
        "west",
        "midden",
    ]
)

_LEGAL_FORMS = frozenset({"bv", "nv", "vof", "cv", "ua", "ba", "ltd", "gmbh"})

_hasher = PasswordHasher()
# Verifying against this when the account does not exist takes as long as a real check,
# so the response time does not reveal whether an e-mail address has an account.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# --- the rule for a new password ---------------------------------------------------------------------


def check_password(
    password: str | None,
    confirm: str | None = None,
    *,
    email: str = "",
    organisation_name: str = "",
    field: str = "password",
) -> str:
    """The password, or FieldRefused with the reason in Dutch (next to `field`)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldRefused(
            field,
            _l(
                "Kies een wachtwoord van minstens %(n)d tekens. Een zin van een paar woorden is goed te onthouden.",
                n=MIN_PASSWORD_LENGTH,
            ),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldRefused(
            field, _l("Dit wachtwoord is te lang: hoogstens %(n)d tekens.", n=MAX_PASSWORD_LENGTH)
        )
    _check_personal(password, email=email, organisation_name=organisation_name, field=field)
    weakness = guessable_because(password, user_inputs=[email, organisation_name])
    if weakness is not None:
        raise FieldRefused(field, _l("Dit wachtwoord is te makkelijk te raden: %(why)s", why=weakness))
    if confirm is not None and confirm != password:
        raise FieldRefused("confirm", _l("De twee wachtwoorden zijn niet gelijk."))
    return password


def _letters(value: str) -> str:
    return _SEPARATORS.sub("", value.casefold())


def _check_personal(password: str, *, email: str, organisation_name: str, field: str) -> None:
    flat = _letters(password)
    local = email.rpartition("@")[0] if "@" in email else email
    email_parts = [_letters(local), *(_letters(p) for p in _SEPARATORS.split(local))]
    if any(len(part) >= 3 and part in flat for part in email_parts if part):
        raise FieldRefused(field, _l("Dit wachtwoord bevat (een deel van) uw e-mailadres. Kies iets anders."))
    words = [w for w in map(_letters, _SEPARATORS.split(organisation_name.replace(".", ""))) if w]
    words = [w for w in words if w not in _LEGAL_FORMS]
    name_parts = ["".join(words), *(word for word in words if len(word) >= 5)]
    if any(
        len(part) >= 3 and part in flat and part not in _GENERIC_NAME_WORDS for part in name_parts if part
    ):
        raise FieldRefused(field, _l("Dit wachtwoord bevat de naam van uw organisatie. Kies iets anders."))


# Per kind of weakness zxcvbn finds, the reason shown (the first kind found in this order wins).
_REASONS = (
    ("passwords", _l("het staat in de lijst van veelgebruikte wachtwoorden.")),
    ("repeat", _l("het herhaalt tekens of stukjes tekst, zoals 'aaa' of 'abcabc'.")),
    ("sequence", _l("het bevat een reeks, zoals 'abcd' of '1234'.")),
    ("spatial", _l("het bevat een patroon op het toetsenbord, zoals 'qwerty'.")),
    ("user_inputs", _l("het lijkt op uw e-mailadres of de naam van uw organisatie.")),
    ("names", _l("het bestaat vooral uit een naam.")),
    ("date", _l("het bestaat vooral uit een datum of jaartal.")),
    ("words", _l("het bestaat uit een of twee bekende woorden. Maak er een zin van een paar woorden van.")),
)
_DICTIONARY_KIND = {
    "passwords": "passwords",
    "user_inputs": "user_inputs",
    "female_names": "names",
    "male_names": "names",
    "surnames": "names",
}


def guessable_because(password: str, user_inputs: list[str] | None = None) -> object | None:
    """None when zxcvbn (with Dutch words) estimates the password hard enough to guess; else the reason."""
    _load_dutch_words()
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=[v for v in user_inputs or [] if v])
    if estimate["score"] >= MIN_SCORE:
        return None
    kinds = {_kind(match) for match in estimate["sequence"]}
    return next((reason for kind, reason in _REASONS if kind in kinds), _REASONS[-1][1])


def _kind(match: Mapping[str, Any]) -> str:
    pattern = str(match["pattern"])
    if pattern == "dictionary":
        return _DICTIONARY_KIND.get(str(match.get("dictionary_name", "")), "words")
    return "date" if pattern in ("date", "regex") else pattern


@functools.cache
def _load_dutch_words() -> None:
    """Adds the most frequent Dutch words to zxcvbn's dictionaries, once per process."""
    data = resources.files("spellchecker").joinpath("resources", "nl.json.gz").read_bytes()
    frequencies: dict[str, int] = json.loads(gzip.decompress(data))
    words = [w for w in frequencies if len(w) >= 3 and w.isalpha()]
    words.sort(key=lambda w: -frequencies[w])
    matching.add_frequency_lists({"dutch": words[:DUTCH_WORDS]})
