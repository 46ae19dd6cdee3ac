"""The verification page is public: everyone, logged in or not, may check a document."""

from tests.access.cases import EVERYONE, Case

CASES = [
    Case("verification.verify", lambda w: "/controleren", EVERYONE),
    Case(
        "verification.verify",
        lambda w: "/controleren",
        EVERYONE,
        method="POST",
        data={"sha256": "0" * 64},
        note="check",
    ),
]
