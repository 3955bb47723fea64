"""집들이 editor pages (phone first): start a draft, upload photos, caption, reorder, pin products, publish,
delete. Every write goes through community.services.tours, which checks that the tour is the user's own: another
person's tour answers 403, a missing one 404, and rule errors come back as messages next to what was done.
htmx requests get the named partial of the editor (always with Vary: HX-Request).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.selectors import tours as selectors
from community.services import tours as services
from config.errors import DomainError

EDIT_TEMPLATE = "community/tours/edit.html"


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


def _raise_for_access(exc: DomainError) -> None:
    """Missing tours are 404 pages and other people's 403 pages; other errors are for the caller to show."""
    if exc.http_status == 404:
        raise Http404(exc.message) from exc
    if exc.http_status == 403:
        raise PermissionDenied(exc.message) from exc


# ------------------------------------------------------------------------------------------------------ editor


def _editor_context(request: HttpRequest, pk: int, **extra: Any) -> dict[str, Any]:
    try:
        page = selectors.tour_for_editor(tour_id=pk, user=request.user)
    except DomainError as exc:
        _raise_for_access(exc)
        raise
    return {"tourpage": page, "tour": page.tour, **selectors.facet_choices(), **extra}


def _photos_response(request: HttpRequest, pk: int, *, errors: list[str] | None = None) -> HttpResponse:
    context = _editor_context(request, pk, photo_errors=errors or [])
    if request.htmx:
        return _vary(TemplateResponse(request, f"{EDIT_TEMPLATE}#photos", context))
    for error in errors or []:
        messages.error(request, error)
    return redirect("community:tour_edit", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tour_new(request: HttpRequest) -> HttpResponse:
    """Start a house tour: the facts first (all optional), then the editor for photos and pins."""
    error, status = "", 200
    if request.method == "POST":
        try:
            facts = services.TourFacts.from_data(request.POST)
            tour = services.tour_create(author=request.user, facts=facts)
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            return redirect("community:tour_edit", pk=tour.pk)
    context = {"form_error": error, "data": request.POST, **selectors.facet_choices()}
    return TemplateResponse(request, "community/tours/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tour_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor. POST saves the title, story and facts (임시저장); photos and pins have their own endpoints."""
    if request.method == "POST":
        error = ""
        try:
            facts = services.TourFacts.from_data(request.POST)
            services.tour_update(tour_id=pk, user=request.user, facts=facts)
        except DomainError as exc:
            _raise_for_access(exc)
            error = exc.message
        if request.htmx:
            context = _editor_context(request, pk, facts_error=error, facts_saved=not error, data=request.POST)
            return _vary(TemplateResponse(request, f"{EDIT_TEMPLATE}#facts", context))
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("임시저장했어요."))
        return redirect("community:tour_edit", pk=pk)
    return _vary(TemplateResponse(request, EDIT_TEMPLATE, _editor_context(request, pk)))


@login_required
@require_POST
def tour_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one or more photos; each bad file gets its own message, the good ones are kept."""
    uploads = request.FILES.getlist("photos")
    errors: list[str] = []
    if not uploads:
        errors.append(_("올릴 사진을 골라 주세요."))
    for upload in uploads:
        try:
            services.tour_photo_add(tour_id=pk, user=request.user, upload=upload)
        except DomainError as exc:
            _raise_for_access(exc)
            errors.append(f"{upload.name[:60]}: {exc.message}" if len(uploads) > 1 else exc.message)
            if exc.code == "rate_limited":
                break
    return _photos_response(request, pk, errors=errors)


@login_required
@require_POST
def tour_photo_update(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """Save a caption (htmx on change: a small 저장됨 note comes back)."""
    error = ""
    try:
        photo = services.tour_photo_caption_set(
            tour_id=pk, user=request.user, photo_id=photo_id, caption=request.POST.get("caption", "")
        )
    except DomainError as exc:
        _raise_for_access(exc)
        error, photo = exc.message, None
    if request.htmx:
        context = {"error": error, "photo": photo}
        return _vary(TemplateResponse(request, "community/tours/partials/_caption_status.html", context))
    if error:
        messages.error(request, error)
    return redirect("community:tour_edit", pk=pk)


@login_required
@require_POST
def tour_photo_action(request: HttpRequest, pk: int, photo_id: int, action: str) -> HttpResponse:
    """up / down / cover / delete on one photo; the photo list comes back."""
    actions = {
        "up": lambda: services.tour_photo_move(tour_id=pk, user=request.user, photo_id=photo_id, offset=-1),
        "down": lambda: services.tour_photo_move(tour_id=pk, user=request.user, photo_id=photo_id, offset=1),
        "cover": lambda: services.tour_cover_set(tour_id=pk, user=request.user, photo_id=photo_id),
        "delete": lambda: services.tour_photo_delete(tour_id=pk, user=request.user, photo_id=photo_id),
    }
    if action not in actions:
        raise Http404
    errors = []
    try:
        actions[action]()
    except DomainError as exc:
        _raise_for_access(exc)
        errors.append(exc.message)
    return _photos_response(request, pk, errors=errors)


@login_required
@require_POST
def tour_pin_add(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    errors = []
    product_id = request.POST.get("product_id", "")
    try:
        if not product_id.isdigit():
            raise DomainError(_("태그할 상품을 골라 주세요."))
        services.tour_pin_add(
            tour_id=pk,
            user=request.user,
            photo_id=photo_id,
            product_id=int(product_id),
            x=request.POST.get("x"),
            y=request.POST.get("y"),
        )
    except DomainError as exc:
        _raise_for_access(exc)
        errors.append(exc.message)
    return _photos_response(request, pk, errors=errors)


@login_required
@require_POST
def tour_pin_delete(request: HttpRequest, pk: int, pin_id: int) -> HttpResponse:
    errors = []
    try:
        services.tour_pin_delete(tour_id=pk, user=request.user, pin_id=pin_id)
    except DomainError as exc:
        _raise_for_access(exc)
        errors.append(exc.message)
    return _photos_response(request, pk, errors=errors)


@login_required
@require_GET
def tour_product_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The pin's product search box (htmx, as the author types)."""
    _editor_context(request, pk)  # 403/404 for anyone but the author
    query = request.GET.get("q", "")[:60]
    products = selectors.products_for_pinning(query=query)
    context = {"products": products, "query": query}
    return _vary(TemplateResponse(request, "community/tours/partials/_product_results.html", context))


@login_required
@require_POST
def tour_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.tour_publish(tour_id=pk, user=request.user)
    except DomainError as exc:
        _raise_for_access(exc)
        messages.error(request, exc.message)
        return redirect("community:tour_edit", pk=pk)
    messages.success(request, _("집들이를 발행했어요. 이웃들이 곧 구경하러 올 거예요."))
    return redirect("community:tour_detail", pk=pk)


@login_required
@require_POST
def tour_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.tour_delete(tour_id=pk, user=request.user)
    except DomainError as exc:
        _raise_for_access(exc)
        raise
    messages.success(request, _("집들이를 지웠어요."))
    return redirect("community:my_tours")
