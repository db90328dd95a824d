"""Declarations of Django's admin routes, generated from the admin site's registry (so a model registered later
is covered the day it is registered, with a row of it from victims.py).

The admin has its own permission system: ``is_staff``, which no role of the platform grants. So every user of
the cast — attackers and every role — must be sent to the admin log-in, and only a superuser is permitted.
Admin writes bypass the platform's services and audit trail (Django writes its own LogEntry); the declarations
say so with ``audit=None`` rather than hide it.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import admin

from tests.permissions.routes import ADMIN, Case, Route, get, post
from tests.permissions.victims import ANONYMOUS, OWNER, SUPERUSER, Victims

# No role of the platform may use the admin, not even the platform's administrators.
# (Two stand for all: a company's representative and the platform's own administrator role.)
EVERY_ROLE = (OWNER, ADMIN)
ADMIN_FORMS = "Django admin views answer other methods themselves (form re-rendered, redirect); nothing may change"


def _get(status: int = 200) -> Case:
    return get(SUPERUSER, status=status, refused=EVERY_ROLE)


def _model_routes(label: str, info: str, path_prefix: str, model_admin: Any) -> dict[str, Route]:
    if label in ABSENT:
        return _absent_object_routes(label, info, path_prefix, model_admin)

    def key(v: Victims) -> dict[str, str]:
        return {"object_id": str(v.admin_objects[label].pk)}

    # The admin writes its own LogEntry, not the platform's audit trail (the axes tables are volatile).
    tracked = (label, "admin.LogEntry") if label in CHANGE_TRACKED else ("admin.LogEntry",)
    deletion = post(SUPERUSER, refused=EVERY_ROLE, payload=lambda v: {"post": "yes"}, changes=tracked)
    change: tuple[Case, ...] = (_get(),)
    if label in CHANGE_PAYLOADS:
        payload = CHANGE_PAYLOADS[label]
        change += (post(SUPERUSER, refused=EVERY_ROLE, payload=lambda v: payload, changes=tracked),)
    superuser_request = SimpleNamespace(user=SimpleNamespace(has_perm=lambda *a, **k: True, is_active=True))
    add_status = 200 if model_admin.has_add_permission(superuser_request) else 403
    return {
        f"admin:{info}_changelist": Route(None, (_get(),), any_method=ADMIN_FORMS),
        f"admin:{info}_add": Route(None, (_get(status=add_status),), any_method=ADMIN_FORMS),
        f"admin:{info}_history": Route(key, (_get(),), any_method=ADMIN_FORMS),
        f"admin:{info}_delete": Route(key, (_get(), deletion), any_method=ADMIN_FORMS),
        f"admin:{info}_change": Route(key, change, any_method=ADMIN_FORMS),
        # The bare object URL redirects to its change page.
        f"admin:<{path_prefix}<path:object_id>/>": Route(
            None,
            (_get(status=302),),
            any_method=ADMIN_FORMS,
            path=lambda v: f"/{path_prefix}{v.admin_objects[label].pk}/",
        ),
    }


# Tables the suite hashes (the axes tables are volatile: log-in throttling writes them on every log-in).
CHANGE_TRACKED = {"auth.Group", "otp_totp.TOTPDevice"}
# A valid change form per model where an empty one would not do (the axes records are read-only: any POST saves).
CHANGE_PAYLOADS: dict[str, dict[str, Any]] = {
    "auth.Group": {"name": "renamed-group-zq7"},
    "axes.AccessAttempt": {},
    "axes.AccessLog": {},
    "axes.AccessFailureLog": {},
}


# Models whose rows the admin cannot show under the test settings: django-tasks' database results are written by
# the database backend, while tests run tasks with the immediate backend, and the admin fails to rebuild such a
# row's task. Their object pages are tried with an absent key (the admin redirects with "does not exist").
ABSENT = {"django_tasks_database.DBTaskResult": "00000000-0000-0000-0000-000000000000"}


def _absent_object_routes(label: str, info: str, path_prefix: str, model_admin: Any) -> dict[str, Route]:
    def key(v: Victims) -> dict[str, str]:
        return {"object_id": ABSENT[label]}

    superuser_request = SimpleNamespace(user=SimpleNamespace(has_perm=lambda *a, **k: True, is_active=True))
    add_status = 200 if model_admin.has_add_permission(superuser_request) else 403
    delete_status = 302 if model_admin.has_delete_permission(superuser_request) else 403
    return {
        f"admin:{info}_changelist": Route(None, (_get(),), any_method=ADMIN_FORMS),
        f"admin:{info}_add": Route(None, (_get(status=add_status),), any_method=ADMIN_FORMS),
        f"admin:{info}_history": Route(key, (_get(status=302),), any_method=ADMIN_FORMS),
        f"admin:{info}_delete": Route(key, (_get(status=delete_status),), any_method=ADMIN_FORMS),
        f"admin:{info}_change": Route(key, (_get(status=302),), any_method=ADMIN_FORMS),
        f"admin:<{path_prefix}<path:object_id>/>": Route(
            None, (_get(status=302),), any_method=ADMIN_FORMS, path=lambda v: f"/{path_prefix}{ABSENT[label]}/"
        ),
    }


def admin_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {
        "admin:index": Route(None, (_get(),), any_method=ADMIN_FORMS),
        "admin:app_list": Route(lambda v: {"app_label": "auth"}, (_get(),), any_method=ADMIN_FORMS),
        "admin:login": Route(None, (get(ANONYMOUS, attackers=()),), any_method=ADMIN_FORMS),
        "admin:logout": Route(None, (post(SUPERUSER, attackers=()),), any_method=ADMIN_FORMS),
        "admin:password_change": Route(None, (_get(),), any_method=ADMIN_FORMS),
        "admin:password_change_done": Route(None, (_get(),), any_method=ADMIN_FORMS),
        "admin:jsi18n": Route(None, (_get(),), any_method=ADMIN_FORMS),
        # No admin declares autocomplete fields: Django refuses the request for everybody (403).
        "admin:autocomplete": Route(None, (_get(status=403),), any_method=ADMIN_FORMS),
        # No model defines get_absolute_url, so Django's "view on site" shortcut resolves nothing for anybody.
        "admin:view_on_site": Route(
            lambda v: {"content_type_id": "1", "object_id": str(v.org.pk)},
            (get(SUPERUSER, status=404, refused=EVERY_ROLE),),
            any_method=ADMIN_FORMS,
        ),
        "admin:<admin/(?P<url>.*)$>": Route(
            None, (_get(status=404),), any_method=ADMIN_FORMS, path=lambda v: "/admin/no-such-page/"
        ),
    }
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        routes.update(_model_routes(model._meta.label, info, prefix, model_admin))
    # django-otp's own pages of a device: its configuration and its QR code.
    device = {"pk": "otp_totp.TOTPDevice"}
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        routes[name] = Route(
            lambda v: {k: v.admin_objects[label].pk for k, label in device.items()}, (_get(),), any_method=ADMIN_FORMS
        )
    return routes
