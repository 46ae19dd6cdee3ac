"""The English catalogue is complete: every entry translated, none fuzzy, every placeholder kept.

Read from the .po file itself (the .mo is a build product), so the test needs no compile step. The checks
are plain functions, each also tried on a small catalogue with the fault in it.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

import portal

ENGLISH = Path(portal.__file__).parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# %(name)s / %(n)d and {name} / {0}; a literal %% is not a placeholder.
_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
_POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
_BRACED = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def untranslated_or_fuzzy(catalog: Catalog) -> list[str]:
    """The msgids (singular) of entries that are fuzzy or have any empty msgstr."""
    return [
        _forms(message.id)[0]
        for message in catalog
        if message.id and (message.fuzzy or not all(_forms(message.string)))
    ]


def placeholders(text: str, python_format: bool = True) -> list[str]:
    """The placeholders in a string, sorted: %(name)s, {name}, and %s only in python-format strings."""
    text = text.replace("%%", "")
    found = [f"%({name})" for name in _NAMED.findall(text)]
    found += [f"{{{name}}}" for name in _BRACED.findall(text)]
    if python_format:
        found += _POSITIONAL.findall(_NAMED.sub("", text))
    return sorted(found)


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """One line per translated msgstr whose placeholders differ from those of its msgid."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        python_format = "python-format" in message.flags
        for index, translated in enumerate(_forms(message.string)):
            if not translated:
                continue  # untranslated is the other check's finding
            source = ids[min(index, len(ids) - 1)]
            wanted, got = placeholders(source, python_format), placeholders(translated, python_format)
            if wanted != got:
                problems.append(f"{source!r}: msgid has {wanted}, msgstr has {got}")
    return problems


def _catalog(*messages: Message) -> Catalog:
    catalog = Catalog(locale="en")
    for message in messages:
        catalog[message.id] = message
    return catalog


# --- the real catalogue -----------------------------------------------------------------------------------


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    missing = untranslated_or_fuzzy(_read(ENGLISH))
    assert not missing, f"{len(missing)} English entries untranslated or fuzzy in {ENGLISH}:\n" + "\n".join(
        repr(msgid) for msgid in missing
    )


def test_english_catalogue_keeps_every_placeholder():
    problems = placeholder_mismatches(_read(ENGLISH))
    assert not problems, "English msgstr with other placeholders than its msgid:\n" + "\n".join(problems)


def test_english_catalogue_has_entries():
    # an empty or unreadable file would pass the two checks above
    assert len([message for message in _read(ENGLISH) if message.id]) > 900


# --- the checks find what they are for --------------------------------------------------------------------


def test_an_empty_msgstr_is_named():
    catalog = _catalog(Message("Opslaan", "Save"), Message("Annuleren", ""))
    assert untranslated_or_fuzzy(catalog) == ["Annuleren"]


def test_a_fuzzy_entry_is_named_even_when_it_has_a_msgstr():
    catalog = _catalog(Message("Opslaan", "Save"), Message("Verzenden", "Send", flags={"fuzzy"}))
    assert untranslated_or_fuzzy(catalog) == ["Verzenden"]


def test_a_plural_with_one_empty_form_is_named():
    catalog = _catalog(
        Message(("%(num)d regel", "%(num)d regels"), ("%(num)d line", ""), flags={"python-format"})
    )
    assert untranslated_or_fuzzy(catalog) == ["%(num)d regel"]


def test_a_dropped_or_renamed_placeholder_is_named():
    catalog = _catalog(
        Message("Welkom, %(name)s", "Welcome", flags={"python-format"}),
        Message("Niveau {n}", "Level {level}"),
        Message("%s van %s", "%s of", flags={"python-format"}),
        Message("Goed: %(x)s, {y}", "Good: %(x)s, {y}", flags={"python-format"}),
    )
    problems = placeholder_mismatches(catalog)
    assert len(problems) == 3
    assert "'Welkom, %(name)s'" in problems[0]
    assert "'Niveau {n}'" in problems[1]
    assert "'%s van %s'" in problems[2]


def test_a_plural_form_is_compared_with_its_own_msgid():
    catalog = _catalog(
        Message(("%(num)d regel", "%(num)d regels"), ("%(num)d line", "lines"), flags={"python-format"})
    )
    assert placeholder_mismatches(catalog) == ["'%(num)d regels': msgid has ['%(num)'], msgstr has []"]


def test_literal_percent_and_template_braces_are_not_placeholders():
    assert placeholders("meer dan %(t)s%% van de schaal") == ["%(t)"]
    assert placeholders("Invulvelden: {{ aanbieder }}, {{kvk}}") == []
    assert placeholders("40% korting", python_format=False) == []


def test_the_check_reads_a_po_file_with_a_fuzzy_entry():
    text = b'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n#, fuzzy\nmsgid "Opslaan"\nmsgstr "Save"\n'
    assert untranslated_or_fuzzy(read_po(BytesIO(text))) == ["Opslaan"]
