"""A form sent back with errors: a summary at the top links to each field, and each field names its
message through aria-describedby (the shared macros in templates/macros/forms.html)."""

from __future__ import annotations

import pytest
from lxml import html

from portal.models import Role


def _errors_page(client, url: str, data: dict[str, str]):
    response = client.post(url, data=data)
    assert response.status_code in (200, 400, 422)
    return html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("url", "data"),
    [("/aanmelden", {}), ("/aanmelden/toegang-vragen", {}), ("/wachtwoord-vergeten", {"email": "x"})],
)
def test_the_summary_links_to_fields_that_exist_and_fields_name_their_message(
    client, no_csrf, url, data
) -> None:
    page = _errors_page(client, url, data)
    summary = page.xpath("//main//*[contains(@class, 'nmd-error-summary')]")
    assert len(summary) == 1
    links = summary[0].xpath(".//a/@href")
    assert links, "the summary names no field"
    for href in links:
        assert page.xpath(f"//*[@id='{href[1:]}']"), f"{href} leads nowhere"
    invalid = page.xpath("//*[@aria-invalid='true']")
    assert invalid
    for field in invalid:
        ids = field.get("aria-describedby", "").split()
        messages = [page.xpath(f"string(//*[@id='{i}'])").strip() for i in ids if i.endswith("-error")]
        assert messages, f"{field.get('name')} names no message"
        assert all(messages), f"{field.get('name')} names an empty message"


def test_a_radio_group_error_links_to_its_first_option(client, auth, no_csrf) -> None:
    from flask import render_template_string
    from wtforms import Form, RadioField
    from wtforms.validators import InputRequired

    class Choice(Form):
        value = RadioField("Score", choices=["een", "twee"], validators=[InputRequired()])

    auth.as_role(Role.BUYER)
    form = Choice()
    form.validate()
    page = html.fromstring(
        render_template_string(
            '{% from "macros/forms.html" import error_summary, field %}<main>{{ error_summary(f) }}{{ field(f.value) }}</main>',
            f=form,
        )
    )
    assert page.xpath("//div[contains(@class, 'nmd-error-summary')]//a/@href") == ["#value-0"]
    assert page.xpath("//input[@id='value-0']")
    assert page.xpath("//fieldset/@aria-describedby") == ["value-error"]
