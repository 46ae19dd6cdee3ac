"""The rule for a new password (portal/accounts/passwords.py): pure, no database."""

from __future__ import annotations

import pytest

from portal.accounts.passwords import check_password
from portal.accounts.rules import FieldRefused
from portal.benchdata import BENCH_PASSWORD
from portal.demo import DEMO_PASSWORD


def _refusal(password: str, **context: str) -> str:
    with pytest.raises(FieldRefused) as refused:
        check_password(password, **context)
    assert refused.value.field == "password"
    return str(refused.value.message)


def test_password_of_eleven_characters_is_refused(app):
    assert "minstens 12 tekens" in _refusal("Xq7#vLp2!mZ")


def test_password_longer_than_128_characters_is_refused_and_128_accepted(app):
    sentence = "Fietsen langs de Drentsche Aa na regen, kraanvogels boven het veen, koffie bij Gieten! "
    long_enough = (sentence * 2)[:128]
    assert check_password(long_enough) == long_enough
    assert "hoogstens 128 tekens" in _refusal(long_enough + "x")


def test_password_confirmation_must_match(app):
    with pytest.raises(FieldRefused) as refused:
        check_password("Kraanvogels-boven-het-veen", "Kraanvogels-boven-het-ven")
    assert refused.value.field == "confirm"


@pytest.mark.parametrize(
    "password",
    ["Password12345", "P@ssw0rd12345", "qwertyuiop123", "aaaaaaaaaaaaaa", "abcdefghijkl", "1234567890123"],
)
def test_common_passwords_and_patterns_are_refused_with_a_reason(app, password):
    assert "Dit wachtwoord is te makkelijk te raden: het " in _refusal(password)


@pytest.mark.parametrize("password", ["Wachtwoord123", "Welkom12345!", "Wachtwoord2027!", "Zorgaanbieder1"])
def test_dutch_words_with_a_number_are_refused(app, password):
    """zxcvbn alone knows only English: without the Dutch words these score as strong."""
    assert "te makkelijk te raden" in _refusal(password)


def test_password_containing_the_email_local_part_is_refused(app):
    message = _refusal("Anne.de.Vries-2027!", email="anne.devries@zorgopmaat.example")
    assert "e-mailadres" in message
    assert "e-mailadres" in _refusal("Xq7#devries!Lp2", email="anne.devries@zorgopmaat.example")


def test_password_containing_the_organisation_name_is_refused(app):
    message = _refusal("ZorgOpMaat-Kraanvogel-7", organisation_name="Zorg op Maat B.V.")
    assert "naam van uw organisatie" in message
    assert "naam van uw organisatie" in _refusal(
        "Kraanvogel-Hunzedal-7", organisation_name="Stichting Hunzedal"
    )


def test_generic_words_of_an_organisation_name_are_allowed(app):
    assert check_password("Stichting-kraanvogels-veen", organisation_name="Stichting Hunzedal")


@pytest.mark.parametrize(
    "password", [DEMO_PASSWORD, BENCH_PASSWORD, "Drie-lange-woorden-samen", "Kraanvogels boven het veen"]
)
def test_a_sentence_of_a_few_words_and_the_seeded_passwords_pass(app, password):
    assert (
        check_password(password, email="anna@drentsehoeve.example", organisation_name="Zorg op Maat")
        == password
    )
