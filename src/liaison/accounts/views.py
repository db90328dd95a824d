"""Log-in, the second factor (verification, enrolment by link, re-authentication), log-out, password reset and
personal API tokens."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts import permissions, selectors, services, session
from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.core.permissions import PermissionDeniedError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # django.contrib.auth.login rotates the session key
        session.password_proved(self.request, rotate=False)
        return response


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        min_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _check_code(form: CodeForm | ReauthForm, device: TOTPDevice, code: str) -> bool:
    """Throttled verification: django-otp delays the next attempt after each wrong code."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", _("Too many attempts. Wait a few seconds, then enter the current code."))
        return False
    if device.verify_token(code.strip()):
        return True
    form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    return False


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code from the user's confirmed device. Without one there is nothing to enter here: an
    authenticator is bound only through an administrator's enrolment link, never with the password alone."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    form = CodeForm(request.POST or None)
    posted = device is not None and request.method == "POST" and form.is_valid()
    if posted and _check_code(form, device, form.cleaned_data["code"]):
        session.second_factor_proved(request, device)
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor.html", {"form": form, "has_device": device is not None})


@login_required
def enrol(request: HttpRequest, key: str) -> HttpResponse:
    """Bind an authenticator through a one-time link: the link and the user's own password together."""
    user: Any = request.user
    link = selectors.enrolment_link_find(user=user, raw=key)
    if link is None:
        return render(request, "accounts/enrol_invalid.html", status=404)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        if services.enrolment_complete(actor=Actor.for_user(user), link=link, device=device, token=code):
            session.second_factor_proved(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("/")
        form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "accounts/enrol.html", context)


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Prove it is still you (password, and the code for staff) before creating a credential."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first() if user.is_staff_role else None
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _reauth_ok(request, form, device):
        session.password_proved(request)
        if device is not None:
            session.second_factor_proved(request, device)
        return redirect(_next_url(request, reverse("accounts:tokens")))
    return render(request, "accounts/reauth.html", {"form": form, "needs_code": device is not None})


def _reauth_ok(request: HttpRequest, form: ReauthForm, device: TOTPDevice | None) -> bool:
    user: Any = request.user
    # Through the authentication backends, so django-axes counts and locks out wrong passwords here too.
    if authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) != user:
        form.add_error("password", _("This password is not correct."))
        return False
    if device is None:
        return True
    if not form.cleaned_data["code"]:
        form.add_error("code", _("Enter the six-digit code from your authenticator app."))
        return False
    return _check_code(form, device, form.cleaned_data["code"])


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens; a POST creates one (on a fresh proof of identity) and shows its key once."""
    user: Any = request.user
    new_key = None
    if request.method == "POST":
        proof = session.recent_proof(request)
        if proof is None:
            return _to_reauth(request)
        name = (request.POST.get("name") or "").strip() or _("API token")
        proved_at, device = proof
        try:
            _token, new_key = services.api_token_create(
                actor=Actor.for_user(user), user=user, name=name, proved_at=proved_at, device=device
            )
        except PermissionDeniedError:
            return _to_reauth(request)
    items = user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    context = {"tokens": items, "new_key": new_key, "fresh": session.recent_proof(request) is not None}
    return render(request, "accounts/tokens.html", context)


def _to_reauth(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Confirm your identity to create an API token."))
    return HttpResponseRedirect(f"{reverse('accounts:reauth')}?next={reverse('accounts:tokens')}")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    token = user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=Actor.for_user(user), token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@login_required
def enrolment_links(request: HttpRequest) -> HttpResponse:
    """Administrators issue a staff user's enrolment link here and hand it over; it is shown only once."""
    if not permissions.can_issue_enrolment_link(request.user).allowed:
        raise PermissionDenied
    issued = None
    if request.method == "POST":
        raw_pk = request.POST.get("user", "")
        target = get_object_or_404(User, pk=int(raw_pk) if raw_pk.isdigit() else 0)
        _link, raw = services.enrolment_link_issue(actor=Actor.for_user(request.user), user=target)
        issued = {"user": target, "url": request.build_absolute_uri(reverse("accounts:enrol", args=[raw]))}
    return render(
        request, "accounts/enrolment_links.html", {"rows": selectors.enrolment_overview(), "issued": issued}
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password through the audited service and never logs the session in: a staff user still
    passes the second factor at the next log-in."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        services.user_password_reset(
            actor=Actor.for_user(form.user), user=form.user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
