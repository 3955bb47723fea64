"""Account pages: thin views over accounts.services; a DomainError becomes a form error, never a 500."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import HouseholdForm, HouseholdJoinForm, LoginForm, ProfileForm, SignupForm
from accounts.social import social_providers_configured
from config.errors import DomainError
from config.ratelimit import RateLimited

# DomainError codes that belong to one field of the form they came from.
SIGNUP_ERROR_FIELDS = {
    "username_taken": "username",
    "email_taken": "email",
    "password": "password1",
    "nickname_required": "nickname",
    "birth_date_in_future": "birth_date",
    "night_consent_needs_marketing": "night_marketing_consent",
}
PROFILE_ERROR_FIELDS = {
    "nickname_required": "nickname",
    "birth_date_in_future": "birth_date",
    "phone_invalid": "phone",
    "night_consent_needs_marketing": "night_marketing_consent",
}
HOUSEHOLD_ERROR_FIELDS = {
    "household_name_required": "name",
    "household_size_range": "size",
    "household_size_too_small": "size",
}


def _add_domain_error(form: forms.Form, exc: DomainError, fields: dict[str, str]) -> None:
    form.add_error(fields.get(exc.code), exc.message)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("shop:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        try:
            services.signup_attempt(request=request)
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, exc.message)
            return _rate_limited(render(request, "accounts/signup.html", _signup_context(request, form)), exc)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_signup(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                nickname=data["nickname"],
                birth_date=data["birth_date"],
                marketing_consent=data["marketing_consent"],
                night_marketing_consent=data["night_marketing_consent"],
                now=timezone.now(),
            )
        except DomainError as exc:
            _add_domain_error(form, exc, SIGNUP_ERROR_FIELDS)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("%(name)s님, 동네가게에 오신 걸 환영해요. 천천히 둘러보세요.") % {"name": user.nickname}
            )
            return redirect(_safe_next(request) or "shop:home")
    return render(request, "accounts/signup.html", _signup_context(request, form))


def _signup_context(request: HttpRequest, form: SignupForm) -> dict:
    return {"form": form, "next": _safe_next(request) or "", "social_providers": social_providers_configured()}


def _rate_limited(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    """The page again with the message as a form error, answered 429 with Retry-After."""
    response.status_code = exc.http_status
    response["Retry-After"] = str(exc.retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "social_providers": social_providers_configured()}

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after is not None:
            response.status_code = RateLimited.http_status
            response["Retry-After"] = str(form.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("로그아웃했어요. 또 만나요."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_profile_update(
                    user=user,
                    nickname=data["nickname"],
                    birth_date=data["birth_date"],
                    gender=data["gender"],
                    phone=data["phone"],
                    tracking_opted_out=data["tracking_opted_out"],
                )
                services.user_consents_set(
                    user=user,
                    marketing=data["marketing_consent"],
                    night=data["night_marketing_consent"],
                    now=timezone.now(),
                )
                services.user_notification_channels_set(
                    user=user, email=data["notify_by_email"], alimtalk=data["notify_by_alimtalk"]
                )
            except DomainError as exc:
                user.refresh_from_db()
                _add_domain_error(form, exc, PROFILE_ERROR_FIELDS)
            else:
                messages.success(request, _("내 정보를 저장했어요."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user))
    return render(request, "accounts/profile.html", {"form": form, "profile_user": user})


def _household_page(
    request: HttpRequest,
    *,
    create_form: HouseholdForm | None = None,
    join_form: HouseholdJoinForm | None = None,
    update_form: HouseholdForm | None = None,
    status: int = 200,
) -> HttpResponse:
    household = selectors.household_for_member(user=request.user)
    context = {"household": household}
    if household is None:
        context["create_form"] = create_form or HouseholdForm(prefix="create")
        context["join_form"] = join_form or HouseholdJoinForm(prefix="join")
    else:
        context["members"] = list(household.members.all())
        context["update_form"] = update_form or HouseholdForm(
            prefix="update",
            initial={
                "name": household.name,
                "size": household.size,
                "has_children": household.has_children,
                "has_pets": household.has_pets,
            },
        )
    return render(request, "accounts/household.html", context, status=status)


@login_required
def household(request: HttpRequest) -> HttpResponse:
    return _household_page(request)


@login_required
@require_POST
def household_create(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST, prefix="create")
    if form.is_valid():
        try:
            services.household_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _add_domain_error(form, exc, HOUSEHOLD_ERROR_FIELDS)
        else:
            messages.success(request, _("우리 집을 만들었어요. 초대 코드로 가족을 불러 주세요."))
            return redirect("accounts:household")
    return _household_page(request, create_form=form, status=400)


@login_required
@require_POST
def household_join(request: HttpRequest) -> HttpResponse:
    form = HouseholdJoinForm(request.POST, prefix="join")
    if form.is_valid():
        try:
            joined = services.household_join_by_invite_code(
                user=request.user, invite_code=form.cleaned_data["invite_code"]
            )
        except DomainError as exc:
            form.add_error("invite_code" if exc.code == "invite_code_unknown" else None, exc.message)
        else:
            messages.success(request, _("%(name)s에 참여했어요.") % {"name": joined.name})
            return redirect("accounts:household")
    return _household_page(request, join_form=form, status=400)


@login_required
@require_POST
def household_update(request: HttpRequest) -> HttpResponse:
    own = selectors.household_for_member(user=request.user)
    if own is None:
        messages.error(request, services.NOT_IN_HOUSEHOLD)
        return redirect("accounts:household")
    form = HouseholdForm(request.POST, prefix="update")
    if form.is_valid():
        try:
            services.household_update(household=own, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _add_domain_error(form, exc, HOUSEHOLD_ERROR_FIELDS)
        else:
            messages.success(request, _("가구 정보를 저장했어요."))
            return redirect("accounts:household")
    return _household_page(request, update_form=form, status=400)


@login_required
@require_POST
def household_leave(request: HttpRequest) -> HttpResponse:
    try:
        services.household_leave(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("가구에서 나왔어요."))
    return redirect("accounts:household")


@login_required
@require_POST
def household_invite_code_rotate(request: HttpRequest) -> HttpResponse:
    own = selectors.household_for_member(user=request.user)
    if own is None:
        messages.error(request, services.NOT_IN_HOUSEHOLD)
    else:
        services.household_invite_code_rotate(household=own, user=request.user)
        messages.success(request, _("새 초대 코드를 만들었어요. 예전 코드는 이제 쓸 수 없어요."))
    return redirect("accounts:household")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_email_context = {"site_name": "동네가게"}
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            services.password_reset_attempt(request=self.request, email=form.cleaned_data["email"])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return _rate_limited(self.form_invalid(form), exc)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("비밀번호를 바꿨어요."))
        return response


@csrf_exempt  # the signed token is the credential; mail clients' one-click opt-out (RFC 8058) posts without a form
@require_http_methods(["GET", "POST"])
def marketing_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The one-tap opt-out of every promotional message: opening the link withdraws marketing consent at once, with
    or without logging in (정보통신망법 제50조 asks for no extra step). Repeating it changes nothing."""
    try:
        services.marketing_opt_out_by_token(token=token)
    except DomainError as exc:
        return render(request, "accounts/marketing_opt_out.html", {"error": exc.message}, status=400)
    return render(request, "accounts/marketing_opt_out.html", {"error": "", "now": timezone.now()})
