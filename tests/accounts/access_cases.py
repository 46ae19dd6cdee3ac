from tests.access.cases import EVERYONE, Case

CASES = [
    Case(
        "accounts.login",
        lambda w: "/inloggen",
        EVERYONE,
        note="logged-in users are sent on to the start page",
    ),
    Case("accounts.logout", lambda w: "/uitloggen", EVERYONE, method="POST"),
]
