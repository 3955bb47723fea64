"""집들이 pages for readers: the listing, a tour (pins, likes, scraps, comments), members, follows, 내 스크랩 and
my tours. Thin: services write, selectors read. The editor is community.views.tour_editor.

htmx requests get the named partial of their page (always with Vary: HX-Request). A business-rule error is shown
next to what the person did (a form error or a message), never as a 500: another person's tour answers 403, a
missing or unpublished one 404, a rate limit its message.

Visitors (not logged in) see the same listing and the same tour page as every other visitor, so those pages are
rendered without the request (no CSRF token, nothing personal) and kept in the shared cache under version stamps
that the services replace on every change a visitor would notice (community.services.page_versions): a visitor's
tour page costs no query at all. What lags is said there: a card's counts and the popular order (LIST_SECONDS), a
tour's view count (PAGE_SECONDS). Members get their own like, scrap and follow state, the comments and every form
fresh; only a tour's photos, pins and products come from the shared copy (the same for everyone).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from community.models import Tour
from community.page_cache import stamped_copy
from community.selectors import tours as selectors
from community.services import social
from community.services.page_versions import LISTING_KEY, tour_stamp_key
from community.services.tours import TOUR_NOT_FOUND
from config.errors import DomainError
from shop.cart_session import request_cart_or_create
from shop.services.cart import cart_attribution_set
from shop.services.catalog import catalog_version_get

PAGE_SIZE = 20
LIST_SECONDS = 30
PAGE_SECONDS = 300
LIST_TEMPLATE = "community/tours/list.html"
DETAIL_TEMPLATE = "community/tours/detail.html"
UNTITLED = gettext_lazy("제목 없는 집들이")


def _shared(html: str) -> Any:
    return mark_safe(html)  # noqa: S308 (our own auto-escaped template output, rendered for every visitor)


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


def _raise_for_access(exc: DomainError) -> None:
    """Missing things are 404 pages and other people's things 403 pages; other errors are for the caller."""
    if exc.http_status == 404:
        raise Http404(exc.message) from exc
    if exc.http_status == 403:
        raise PermissionDenied(exc.message) from exc


def _login_redirect(request: HttpRequest) -> HttpResponse:
    login = reverse("accounts:login")
    back = request.headers.get("HX-Current-URL") or request.get_full_path()
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{login}?next={back}"
        return response
    return redirect(f"{login}?next={request.get_full_path()}")


def _mark_scrapped(request: HttpRequest, tours: list[Tour]) -> list[Tour]:
    """Fill each card's bookmark (one query for the page; none for a visitor)."""
    scrapped = selectors.tour_scrapped_ids(user=request.user, tour_ids=[t.pk for t in tours])
    for tour in tours:
        tour.is_scrapped = tour.pk in scrapped
    return tours


@require_safe
def tour_list(request: HttpRequest) -> HttpResponse:
    """집들이 listing (also the community home): popular / newest / following, with facet filters and 더 보기."""
    filters = selectors.TourFilters.from_query(request.GET)
    page_param = request.GET.get("page", "")[:8]
    if request.htmx and not request.htmx.boosted:
        partial = "tour-items" if request.GET.get("more") else "tour-results"
    else:
        partial = "list-page"

    def context() -> dict[str, Any]:
        page = Paginator(selectors.tours_for_listing(filters=filters, user=request.user), PAGE_SIZE).get_page(
            page_param
        )
        return {
            "filters": filters,
            "page_obj": page,
            "tours": _mark_scrapped(request, list(page.object_list)),
            "querystring": filters.querystring(),
            "sorts": [
                (selectors.SORT_POPULAR, _("인기")),
                (selectors.SORT_NEW, _("최신")),
                (selectors.SORT_FOLLOWING, _("팔로잉")),
            ],
            **selectors.facet_choices(),
        }

    if request.user.is_authenticated or filters.sort == selectors.SORT_FOLLOWING:
        template = LIST_TEMPLATE if partial == "list-page" else f"{LIST_TEMPLATE}#{partial}"
        return _vary(TemplateResponse(request, template, context()))
    html = _shared(
        stamped_copy(
            key_parts=("tour-list", partial, filters.querystring(), page_param),
            stamp_key=LISTING_KEY,
            seconds=LIST_SECONDS,
            render=lambda: render_to_string(f"{LIST_TEMPLATE}#{partial}", context()),
        )
    )
    if partial != "list-page":
        return _vary(HttpResponse(html))
    return _vary(TemplateResponse(request, LIST_TEMPLATE, {"page_html": html}))


# --------------------------------------------------------------------------------------------------- the tour


def _head(tour: Tour) -> dict[str, Any]:
    """The page title and, for a published tour, its share card: plain strings, cached with a visitor's copy."""
    share = None
    if tour.is_published:
        share = {
            "title": tour.title,
            "description": (tour.body or tour.title)[:200],
            "image": tour.cover.src if tour.cover else "",
            "url": tour.get_absolute_url(),
        }
    return {"page_title": tour.title or str(UNTITLED), "share": share}


@require_safe
def tour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _tour_detail_for_visitor(request, pk)
    try:
        page = selectors.tour_page(tour_id=pk, user=request.user, with_content=False)
    except DomainError as exc:
        _raise_for_access(exc)
        raise
    # Photos, pins and products are the same for everybody: members reuse that part of the shared copies.
    content = stamped_copy(
        key_parts=("tour-content", pk, catalog_version_get()),
        stamp_key=tour_stamp_key(pk),
        seconds=PAGE_SECONDS,
        render=lambda: render_to_string(
            f"{DETAIL_TEMPLATE}#tour-content", {"tour": page.tour, "tourpage": selectors.tour_content(tour=page.tour)}
        ),
    )
    context = {"tourpage": page, "tour": page.tour, "content_html": _shared(content), **_head(page.tour)}
    return _vary(TemplateResponse(request, DETAIL_TEMPLATE, context))


def _tour_detail_for_visitor(request: HttpRequest, pk: int) -> HttpResponse:
    """The copy every visitor shares, valid until the tour's stamp is replaced (pinned products: the catalog's)."""

    def render() -> dict[str, Any] | None:
        try:
            page = selectors.tour_page(tour_id=pk, user=None)
        except DomainError:
            return None
        html = render_to_string(f"{DETAIL_TEMPLATE}#tour-page", {"tour": page.tour, "tourpage": page})
        return {"html": html, **_head(page.tour)}

    copy = stamped_copy(
        key_parts=("tour", pk, catalog_version_get()), stamp_key=tour_stamp_key(pk), seconds=PAGE_SECONDS, render=render
    )
    if copy is None:
        raise Http404(_(TOUR_NOT_FOUND))
    context = {"page_html": _shared(copy["html"]), "page_title": copy["page_title"], "share": copy["share"]}
    return _vary(TemplateResponse(request, DETAIL_TEMPLATE, context))


@require_POST
def tour_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's beacon: count this visitor once per day (204 either way)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    viewer = social.viewer_key(user_id=user_id, visitor_id=getattr(request, "visitor_id", None))
    social.tour_view_record(tour_id=pk, viewer=viewer)
    return HttpResponse(status=204)


@require_POST
def tour_pin_open(request: HttpRequest, pk: int, pin_id: int) -> HttpResponse:
    """A reader tapped a pin: show the product card with 장바구니 there, and attribute what follows to the tour.

    The cart remembers the tour (shop copies the source onto the order placed from it).
    """
    try:
        pin = selectors.pin_for_reader(tour_id=pk, pin_id=pin_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.http_status)
    cart_attribution_set(cart=request_cart_or_create(request), source=pin.tour.attribution_source)
    return _vary(
        TemplateResponse(request, "community/tours/partials/_pin_card.html", {"pin": pin, "product": pin.card})
    )


def _action_bar(request: HttpRequest, pk: int, error: str = "") -> HttpResponse:
    page = selectors.tour_page(tour_id=pk, user=request.user, with_content=False)
    return _vary(
        TemplateResponse(
            request, "community/tours/partials/_actions.html", {"tour": page.tour, "tourpage": page, "error": error}
        )
    )


def _toggle(request: HttpRequest, pk: int, action) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    wanted = request.POST.get("on", "1") not in ("0", "false", "")
    error, state = "", not wanted
    try:
        state = action(tour_id=pk, user=request.user, wanted=wanted)
    except DomainError as exc:
        _raise_for_access(exc)
        error = exc.message
    if request.htmx and request.POST.get("ui") == "card":
        context = {"tour_id": pk, "is_scrapped": state}
        return _vary(TemplateResponse(request, "community/tours/partials/_scrap_button.html", context))
    if request.htmx:
        return _action_bar(request, pk, error)
    if error:
        messages.error(request, error)
    return redirect("community:tour_detail", pk=pk)


@require_POST
def tour_like(request: HttpRequest, pk: int) -> HttpResponse:
    return _toggle(
        request, pk, lambda tour_id, user, wanted: social.tour_like_set(tour_id=tour_id, user=user, liked=wanted)
    )


@require_POST
def tour_scrap(request: HttpRequest, pk: int) -> HttpResponse:
    return _toggle(
        request, pk, lambda tour_id, user, wanted: social.tour_scrap_set(tour_id=tour_id, user=user, scrapped=wanted)
    )


def _comments_response(
    request: HttpRequest, pk: int, *, error: str = "", body: str = "", status: int = 200
) -> HttpResponse:
    page = selectors.tour_page(tour_id=pk, user=request.user, with_content=False)
    context = {"tourpage": page, "tour": page.tour, "comment_error": error, "comment_body": body}
    return _vary(TemplateResponse(request, f"{DETAIL_TEMPLATE}#comments", context, status=status))


@require_POST
def tour_comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    body = request.POST.get("body", "")
    parent = request.POST.get("parent") or None
    try:
        social.tour_comment_create(
            tour_id=pk, author=request.user, body=body, parent_id=int(parent) if parent and parent.isdigit() else None
        )
    except DomainError as exc:
        if exc.http_status == 404 and exc.code == "not_found" and not parent:
            raise Http404(exc.message) from exc
        if request.htmx:
            return _comments_response(request, pk, error=exc.message, body=body[:1000])
        messages.error(request, exc.message)
        return redirect(f"{reverse('community:tour_detail', args=[pk])}#comments")
    if request.htmx:
        return _comments_response(request, pk)
    return redirect(f"{reverse('community:tour_detail', args=[pk])}#comments")


@require_POST
def tour_comment_delete(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    try:
        social.tour_comment_delete(comment_id=comment_id, user=request.user)
    except DomainError as exc:
        _raise_for_access(exc)
        raise
    if request.htmx:
        return _comments_response(request, pk)
    return redirect(f"{reverse('community:tour_detail', args=[pk])}#comments")


# ------------------------------------------------------------------------------------- members, follows, mine


@require_safe
def member(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        profile = selectors.member_get(user_id=user_id, viewer=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    tours = _mark_scrapped(request, list(selectors.tours_by_author(author=profile.user, viewer=request.user)[:60]))
    return TemplateResponse(request, "community/tours/member.html", {"profile": profile, "tours": tours})


@require_POST
def member_follow(request: HttpRequest, user_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    wanted = request.POST.get("on", "1") not in ("0", "false", "")
    error = ""
    try:
        following = social.follow_set(follower=request.user, followee_id=user_id, following=wanted)
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        error, following = exc.message, False
    if request.htmx:
        context = {"followee_id": user_id, "is_following": following, "error": error}
        return _vary(TemplateResponse(request, "community/tours/partials/_follow_button.html", context))
    if error:
        messages.error(request, error)
    return redirect("community:member", user_id=user_id)


@login_required
@require_safe
def my_tours(request: HttpRequest) -> HttpResponse:
    """내 집들이: drafts and published tours, with how many people bought after a pin click on each."""
    tours = list(selectors.tours_by_author(author=request.user, viewer=request.user)[:100])
    buyers = selectors.tour_buyer_counts(tours=[t for t in tours if t.is_published])
    for tour in tours:
        tour.buyers = buyers.get(tour.pk, 0)
    return TemplateResponse(request, "community/tours/my_tours.html", {"tours": tours})


@login_required
@require_safe
def my_scraps(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.scraps_for_user(user=request.user), 40).get_page(request.GET.get("page"))
    tours = list(page.object_list)
    for tour in tours:
        tour.is_scrapped = True
    context = {"page_obj": page, "tours": tours}
    return TemplateResponse(request, "community/tours/my_scraps.html", context)


@login_required
@require_safe
def my_following(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.following_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "community/tours/following.html", {"page_obj": page, "people": list(page.object_list)}
    )
