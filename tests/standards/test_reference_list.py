"""The iStandaarden reference list: shipped, found by code or name, replaced by an admin's import."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal import demo
from portal.extensions import db
from portal.models import Law, Result, Role, StandardCode
from portal.standards import reference, rules
from portal.standards.rules import CATEGORY, FREQUENCY, UNIT
from tests import factories

HEADER = "lijst;code;naam;wet;vervallen\n"


def test_shipped_list_holds_wmo_01_to_18_and_jeugd_40_to_55():
    lists = reference.lists()
    wmo = [c.code for c in lists.entries(CATEGORY) if c.law is Law.WMO]
    jeugd = [c.code for c in lists.entries(CATEGORY) if c.law is Law.JEUGDWET]
    assert wmo == [f"{n:02d}" for n in range(1, 19)]
    assert jeugd == [str(n) for n in range(40, 56)]


@pytest.mark.parametrize(
    ("list_name", "value", "code"),
    [
        (UNIT, "per etmaal", "14"),
        (UNIT, "minuut", "01"),
        (UNIT, "stuk", "82"),
        (UNIT, 4, "04"),
        (FREQUENCY, "per maand", "4"),
        (CATEGORY, "2", "02"),
        (CATEGORY, 45.0, "45"),
    ],
)
def test_a_value_is_found_by_code_or_by_name(list_name, value, code):
    entry = reference.lists().find(list_name, value)
    assert entry is not None
    assert entry.code == code


def test_a_category_of_the_other_law_is_refused_and_both_laws_accept_it():
    lists = reference.lists()
    assert "andere wet" in str(rules.category_problem(lists, "02", Law.JEUGDWET))
    assert rules.category_problem(lists, "02", Law.WMO) is None
    assert rules.category_problem(lists, "45", Law.BOTH) is None
    assert "Onbekende productcategorie" in str(rules.category_problem(lists, "33", Law.JEUGDWET))


def test_import_updates_adds_and_marks_missing_codes_legacy():
    data = (
        HEADER
        + "productcategorie;45;Jeugdhulp ambulant (nieuw);jeugdwet;\nproductcategorie;56;Nieuwe categorie;jeugdwet;\n"
    )
    assert reference.import_list(data.encode(), by=None) == 2
    lists = reference.lists()
    assert lists.find(CATEGORY, "56").name == "Nieuwe categorie"
    assert lists.find(CATEGORY, "45").name == "Jeugdhulp ambulant (nieuw)"
    assert lists.find(CATEGORY, "02").legacy  # not in the file: kept, marked vervallen
    assert "vervallen" in str(rules.category_problem(lists, "02", Law.WMO))
    assert not lists.find(UNIT, "14").legacy  # a list the file does not name stays as it was


def test_import_with_bad_rows_names_every_row_and_changes_nothing():
    data = (
        HEADER + "productcategorie;5;Te kort;wmo;\nkleur;01;Rood;;\nproductcategorie;07;Dagbesteding;zvw;\n"
    )
    with pytest.raises(reference.ListRefused) as refused:
        reference.import_list(data.encode(), by=None)
    assert [p.split(":")[0] for p in refused.value.problems] == ["Regel 2", "Regel 3", "Regel 4"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StandardCode)) == 0


def test_a_file_without_the_header_is_refused():
    with pytest.raises(reference.ListRefused) as refused:
        reference.import_list(b"code;naam\n01;x\n", by=None)
    assert "kopregel" in refused.value.problems[0]


def test_admin_page_lists_imports_and_downloads(client, auth, no_csrf):
    auth.login(factories.user_with_role(Role.ADMIN))
    page = client.get("/beheer/istandaarden").get_data(as_text=True)
    assert "Jeugdhulp ambulant" in page
    assert "Hulp bij het huishouden" in page
    bad = {"file": (io.BytesIO(b"lijst;code;naam;wet;vervallen\neenheid;1;x;;\n"), "lijst.csv")}
    response = client.post("/beheer/istandaarden/importeren", data=bad)
    assert response.status_code == 422
    assert "Regel 2" in response.get_data(as_text=True)
    download = client.get("/beheer/istandaarden.csv")
    good = {"file": (io.BytesIO(download.data), "lijst.csv")}
    response = client.post("/beheer/istandaarden/importeren", data=good)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StandardCode)) == 45


def test_demo_results_carry_real_categories_that_fit_their_law(app):
    demo.seed()
    lists = reference.lists()
    results = db.session.scalars(sa.select(Result)).all()
    assert results
    for result in results:
        assert rules.category_problem(lists, result.product_category, result.law) is None, result.name
        assert lists.find(UNIT, result.unit) is not None
        assert lists.find(FREQUENCY, result.frequency) is not None
        assert result.product_code.startswith(result.product_category)
    by_name = {r.name: (r.product_category, r.product_code) for r in results}
    assert by_name["Beschermd wonen"] == ("15", "15A02")
    assert by_name["Psychisch welbevinden"] == ("54", "54D01")
