from tests.access.cases import Case

ADMIN = frozenset({"admin"})

CASES = [
    Case("admin.users", lambda w: "/beheer/gebruikers", ADMIN),
    Case(
        "admin.create_user",
        lambda w: "/beheer/gebruikers/nieuw",
        ADMIN,
        method="POST",
        data={"name": "Nieuwe Inkoper", "email": "inkoper.nieuw@example.org", "roles": ["buyer"]},
    ),
    Case("admin.edit_user", lambda w: f"/beheer/gebruikers/{w.users['buyer'].id}", ADMIN),
    Case(
        "admin.deactivate_user",
        lambda w: f"/beheer/gebruikers/{w.users['provider_member'].id}/deactiveren",
        ADMIN,
        method="POST",
    ),
    Case(
        "admin.reactivate_user",
        lambda w: f"/beheer/gebruikers/{w.users['provider_member'].id}/activeren",
        ADMIN,
        method="POST",
    ),
    Case("admin.audit", lambda w: "/beheer/audit", ADMIN),
]
CASES += [
    Case("admin.outbox", lambda w: "/beheer/e-mail", ADMIN),
    Case("admin.retry_mail", lambda w: f"/beheer/e-mail/{w.failed_mail.id}/opnieuw", ADMIN, method="POST"),
]
