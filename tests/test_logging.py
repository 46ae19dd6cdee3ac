"""Log lines: a value a user typed cannot forge a line; mail without a server logs no body."""

from __future__ import annotations

import io
import logging

from tests import factories


def _logged(message: str, *args: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("portal.tests.forged")
    logger.addHandler(handler)
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_line_break_in_a_logged_value_cannot_start_a_line_of_its_own(app):
    forged = "anne@example.org\r\nINFO portal.accounts: log-in of admin@nmd.example succeeded"
    output = _logged("log-in refused for %s", forged)
    assert output.count("\n") == 1  # the record's own end of line only
    assert "anne@example.org\\r\\nINFO portal.accounts" in output


def test_control_characters_and_unicode_line_separators_are_escaped(app):
    output = _logged("name %s", "a\x1b[31mb\u2028c\x00d\u202ee")
    assert output == "WARNING portal.tests.forged: name a\\x1b[31mb\\u2028c\\x00d\\u202ee\n"


def test_a_value_in_the_message_itself_is_escaped_too(app):
    assert _logged("bad\nline").count("\n") == 1


def test_without_mail_server_the_log_names_recipient_and_subject_but_not_the_reset_link(
    app, client, no_csrf, caplog, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    # The test run's migrations (Alembic's fileConfig) switch off loggers that existed before them.
    monkeypatch.setattr(logging.getLogger("portal.mail"), "disabled", False)
    user = factories.UserFactory()
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        client.post("/wachtwoord-vergeten", data={"email": user.email})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "portal.mail"]
    assert user.email in line
    assert "Nieuw wachtwoord" in line
    assert "wachtwoord-herstellen" not in caplog.text
