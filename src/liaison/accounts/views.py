"""Log-in, the second factor (set-up and verification), log-out and personal API tokens."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts import services
from liaison.core.actors import Actor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code from a confirmed device, or set up the first device and confirm it with a code."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_start(
            user=user  # type: ignore[arg-type]
        )
    form = CodeForm(request.POST or None)
    allowed, _details = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        form.add_error("code", _("Too many attempts. Wait a few seconds, then enter the current code."))
    elif request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        actor = Actor.for_user(user)
        ok = (
            services.totp_device_confirm(actor=actor, device=device, token=code)
            if setting_up
            else (device.verify_token(code))
        )
        if ok:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor.html", context)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens; a POST creates one and shows its key once."""
    new_key = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip() or _("API token")
        _token, new_key = services.api_token_create(
            actor=Actor.for_user(request.user), user=request.user, name=name
        )
    items = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")  # type: ignore[union-attr]
    return render(request, "accounts/tokens.html", {"tokens": items, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = request.user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()  # type: ignore[union-attr]
    if token is None:
        from django.http import Http404

        raise Http404
    services.api_token_revoke(actor=Actor.for_user(request.user), token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
