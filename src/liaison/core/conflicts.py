"""How a form refused for a conflict is shown: the user's input stays in the form, a message says that
someone else saved the record after the form was opened and which stored values now differ from the input,
and the hidden version moves on to the stored one, so that saving again is a deliberate overwrite."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from liaison.core.errors import Conflict
from liaison.core.versioning import StaleVersion

_CONFLICT_FLAG = "_liaison_conflict"


def is_conflict(form: forms.Form) -> bool:
    return bool(getattr(form, _CONFLICT_FLAG, False))


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    values = value if isinstance(value, list | tuple) else [value]
    labels = dict(_flat_choices(getattr(field, "choices", None) or []))
    return ", ".join(str(labels.get(v, formats.localize(v))).strip() for v in values)


def _flat_choices(choices: Iterable[Any]) -> Iterable[tuple[Any, Any]]:
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield key, label


def _same(stored: Any, submitted: Any) -> bool:
    if isinstance(stored, list | tuple) or isinstance(submitted, list | tuple):
        return sorted(map(str, stored or [])) == sorted(map(str, submitted or []))
    return (stored if stored is not None else "") == (submitted if submitted is not None else "")


def differing_fields(form: forms.Form, stored: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, stored value) of each field whose stored value is not what the user submitted."""
    submitted = getattr(form, "cleaned_data", {})
    return [
        (str(field.label or name), _display(field, stored[name]))
        for name, field in form.fields.items()
        if name != "version" and name in stored and name in submitted and not _same(stored[name], submitted[name])
    ]


def add_to_form(form: forms.Form, exc: Conflict) -> None:
    """Put the conflict on the form (see the module docstring)."""
    setattr(form, _CONFLICT_FLAG, True)
    if not isinstance(exc, StaleVersion):
        form.add_error(None, exc.message)
        return
    current = exc.instance
    initial_for = getattr(type(form), "initial_for", None)
    differs = differing_fields(form, initial_for(current)) if initial_for else []
    when = getattr(current, "updated_at", None)
    intro = (
        _("Someone else saved a change to this record at %(time)s, after you opened this form.")
        % {"time": formats.date_format(when, "SHORT_DATETIME_FORMAT")}
        if when
        else _("Someone else saved a change to this record after you opened this form.")
    )
    outro = _("Nothing was saved. Your input is kept below; save again to replace the stored values with it.")
    listing = (
        format_html(
            "<br>{} {}",
            _("Stored values that differ from your input:"),
            format_html_join("; ", "{}: “{}”", differs),
        )
        if differs
        else ""
    )
    form.add_error(None, format_html("{} {}{}", intro, outro, listing))
    if isinstance(form.data, QueryDict):
        data = form.data.copy()
        data[form.add_prefix("version")] = str(exc.extra["current_version"])
        form.data = data
