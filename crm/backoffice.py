"""The back office's front door: every /crm/ page goes through `backoffice_view`.

The rules (crm.selectors.access): an anonymous visitor is sent to log in; a signed-in shopper gets 404 (the back
office is not disclosed to them); a staff user who is not a member of the team in the URL gets 404 too, never 403.
A member whose role lacks the permission a page needs sees a polite 403 page that says who may do it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config import page_context
from crm.models import Team
from crm.selectors.access import (
    EXPORT_CUSTOMERS,
    LAUNCH_CAMPAIGNS,
    MANAGE_SEGMENTS,
    SEE_CONTACT,
    WRITE_NOTES,
    Seat,
    is_backoffice_user,
    seat_for,
    teams_for,
)

LAST_TEAM_SESSION_KEY = "crm_team"
# Pages that exist in every team: switching team keeps the visitor on the same page; any other page (a segment's
# detail, the editor) belongs to one team, so switching goes to the other team's home.
TEAM_WIDE_PAGES = frozenset(
    {"team", "segment_list", "customer_list", "campaign_list", "round_today", "survey_list", "team_dashboard"}
)

View = Callable[..., HttpResponse]

DENIED_MESSAGES = {
    MANAGE_SEGMENTS: gettext_noop("세그먼트는 MD 리더와 마케터만 만들고 고칠 수 있어요."),
    LAUNCH_CAMPAIGNS: gettext_noop("캠페인은 MD 리더와 마케터만 보낼 수 있어요."),
    EXPORT_CUSTOMERS: gettext_noop("고객 목록은 MD 리더, 마케터, 데이터 분석가만 내려받을 수 있어요."),
    SEE_CONTACT: gettext_noop("연락처와 주소는 CS 상담 담당만 볼 수 있어요."),
    WRITE_NOTES: gettext_noop("고객 메모는 팀원만 남길 수 있어요."),
}


@dataclass(frozen=True)
class TeamLink:
    team: Team
    url: str
    is_current: bool


def _reverse_or_empty(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _customer_list_url(team: Team | None) -> str:
    """H5's customer list, when it is installed: team-scoped if its URL takes the team's slug."""
    if team is not None:
        url = _reverse_or_empty("crm:customer_list", slug=team.slug)
        if url:
            return url
    return _reverse_or_empty("crm:customer_list")


def shell_context(request: HttpRequest, *, seat: Seat | None, teams: list[Team], nav_team: Team | None) -> dict:
    """What templates/crm/base.html reads: the seat, the team switcher, the navigation links and the user's role."""
    match = request.resolver_match
    page = match.url_name if match else ""
    switch_page = page if page in TEAM_WIDE_PAGES and seat is not None else "team"
    switcher = []
    for team in teams:
        url = _reverse_or_empty(f"crm:{switch_page}", slug=team.slug) or reverse("crm:team", kwargs={"slug": team.slug})
        switcher.append(TeamLink(team=team, url=url, is_current=nav_team is not None and team.pk == nav_team.pk))
    user = request.user
    shown_seat = seat
    if shown_seat is None and nav_team is not None:
        # A page without a team in the URL (runs, admin pages) shows the role in the team the navigation points at.
        shown_seat = seat_for(user=user, team=nav_team)
    role_label = shown_seat.role_label if shown_seat is not None else ""
    if not role_label and user.is_superuser:  # an admin before any team exists
        role_label = _("관리자")
    nav = {
        "team": reverse("crm:team", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "segments": reverse("crm:segment_list", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "campaigns": reverse("crm:campaign_list", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "customers": _customer_list_url(nav_team),
        "today": reverse("crm:round_today", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "surveys": reverse("crm:survey_list", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "dashboard": reverse("crm:team_dashboard", kwargs={"slug": nav_team.slug}) if nav_team else "",
        "admin_dashboard": reverse("crm:admin_dashboard") if user.is_superuser else "",
        "runs": reverse("crm:run_list"),
        "lifecycle": reverse("crm:lifecycle_settings") if user.is_superuser else "",
        "audit": reverse("crm:audit_log") if user.is_superuser else "",
        "home": reverse("crm:home"),
    }
    return {
        "seat": seat,
        "team": seat.team if seat is not None else None,
        "nav_team": nav_team,
        "teams": teams,
        "team_switcher": switcher,
        "crm_nav": nav,
        "crm_page": page,
        "crm_role_label": role_label,
        "crm_user_name": f"{user.last_name}{user.first_name}".strip() or user.display_name,
        "crm_is_admin": user.is_superuser,
    }


def _nav_team(request: HttpRequest, teams: list[Team], seat: Seat | None) -> Team | None:
    """The team the navigation points at: the one in the URL, else the one last visited, else the first."""
    if seat is not None:
        if request.session.get(LAST_TEAM_SESSION_KEY) != seat.team.slug:
            request.session[LAST_TEAM_SESSION_KEY] = seat.team.slug
        return seat.team
    last = request.session.get(LAST_TEAM_SESSION_KEY)
    for team in teams:
        if team.slug == last:
            return team
    return teams[0] if teams else None


def denied(request: HttpRequest, message: str) -> TemplateResponse:
    """A member may see this team but not do this: say who may, with 403 (the team is no secret to them)."""
    return TemplateResponse(request, "crm/denied.html", {"message": message}, status=403)


def backoffice_view(
    view: View | None = None, *, permission: str | None = None, admin_only: bool = False
) -> View | Callable[[View], View]:
    """Decorate a back-office view.

    - Anonymous: redirect to the login page. Not an admin and in no team: 404.
    - `admin_only=True`: 404 for anyone but an admin.
    - A `slug` URL argument is resolved to the user's `Seat` in that team (404 if they have none) and passed to the
      view as `seat` instead; views without a team in the URL get `seat=None`.
    - `permission` (one of crm.selectors.access's constants) is checked on the seat: without it the member gets
      crm/denied.html with 403. Team-less views check their own permissions.
    - A TemplateResponse gets the layout's context (see `shell_context`) added before it renders.
    """

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_backoffice_user(user):
                raise Http404
            if admin_only and not user.is_superuser:
                raise Http404
            # The back-office layout shows none of the shop shell's badges (cart, greeting, unread feed).
            page_context.collect_none(request)
            teams = list(teams_for(user))
            seat: Seat | None = None
            slug = kwargs.pop("slug", None)
            if slug is not None:
                team = next((t for t in teams if t.slug == slug), None)
                seat = seat_for(user=user, team=team) if team is not None else None
                if seat is None:
                    raise Http404
            nav_team = _nav_team(request, teams, seat)
            if permission is not None and seat is not None and not seat.can(permission):
                response: HttpResponse = denied(request, _(DENIED_MESSAGES[permission]))
            else:
                response = func(request, *args, seat=seat, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                context = response.context_data if response.context_data is not None else {}
                for key, value in shell_context(request, seat=seat, teams=teams, nav_team=nav_team).items():
                    context.setdefault(key, value)
                response.context_data = context
            return response

        return wrapper

    if view is not None:
        return decorate(view)
    return decorate
