from tests.access.cases import EVERYONE, LOGGED_IN, Case

PROVIDER_ADMINS = frozenset({"provider_admin", "other_provider"})  # each for his own organisation
OWN_ADMIN = frozenset({"provider_admin"})

CASES = [
    Case(
        "accounts.login",
        lambda w: "/inloggen",
        EVERYONE,
        note="logged-in users are sent on to the start page",
    ),
    Case("accounts.logout", lambda w: "/uitloggen", EVERYONE, method="POST"),
    Case("accounts.register", lambda w: "/aanmelden", EVERYONE),
    Case("accounts.registered", lambda w: "/aanmelden/verstuurd", EVERYONE),
    Case("accounts.request_access", lambda w: "/aanmelden/toegang-vragen", EVERYONE),
    Case("accounts.confirm_email", lambda w: "/bevestigen/not-a-token", EVERYONE, note="bad token: 400 page"),
    Case("accounts.resend_confirmation", lambda w: "/bevestigen/opnieuw", EVERYONE),
    Case("accounts.forgot_password", lambda w: "/wachtwoord-vergeten", EVERYONE),
    Case("accounts.reset_password", lambda w: "/wachtwoord-herstellen/not-a-token", EVERYONE),
    Case("accounts.accept_invitation", lambda w: "/uitnodiging/not-a-token", EVERYONE),
    Case("accounts.profile", lambda w: "/account", LOGGED_IN),
    Case("accounts.change_password", lambda w: "/account/wachtwoord", LOGGED_IN),
    Case("accounts.colleagues", lambda w: "/organisatie/collegas", PROVIDER_ADMINS),
    Case(
        "accounts.invite_colleague",
        lambda w: "/organisatie/collegas/uitnodigen",
        PROVIDER_ADMINS,
        method="POST",
        data={"name": "Nieuwe Collega", "email": "uitgenodigd@example.org", "role": "member"},
    ),
    Case(
        "accounts.deactivate_colleague",
        lambda w: f"/organisatie/collegas/{w.users['provider_member'].id}/deactiveren",
        OWN_ADMIN,
        method="POST",
        owned=True,
    ),
    Case(
        "accounts.reactivate_colleague",
        lambda w: f"/organisatie/collegas/{w.users['provider_member'].id}/activeren",
        OWN_ADMIN,
        method="POST",
        owned=True,
    ),
    Case(
        "accounts.grant_access_request",
        lambda w: f"/organisatie/toegangsverzoeken/{w.access_request.id}/toekennen",
        OWN_ADMIN,
        method="POST",
        owned=True,
    ),
    Case(
        "accounts.refuse_access_request",
        lambda w: f"/organisatie/toegangsverzoeken/{w.access_request.id}/weigeren",
        OWN_ADMIN,
        method="POST",
        owned=True,
    ),
    Case(
        "accounts.second_factor",
        lambda w: "/inloggen/code",
        LOGGED_IN,
        note="staff: the code again; providers without a factor: on to setting one up",
    ),
    Case("accounts.enrol_factor", lambda w: "/account/tweede-factor", LOGGED_IN, note="staff have one"),
    Case(
        "accounts.reset_factor",
        lambda w: f"/beheer/gebruikers/{w.users['buyer'].id}/tweede-factor/verwijderen",
        frozenset({"admin"}),
        method="POST",
    ),
    Case(
        "accounts.broker_login",
        lambda w: "/inloggen/eherkenning",
        EVERYONE,
        note="no broker configured: back to the log-in page",
    ),
    Case("accounts.broker_callback", lambda w: "/inloggen/eherkenning/terug", EVERYONE, note="idem"),
    Case("accounts.broker_register", lambda w: "/inloggen/eherkenning/aanmelden", EVERYONE, note="idem"),
]
