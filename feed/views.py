"""Feed pages: the personal feed ("실시간 쇼핑 피드"), its live partial, and one-tap actions."""

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from config.errors import DomainError
from feed import item_extras, selectors, services
from feed.services.items import feed_item_seen, feed_items_mark_shown

logger = logging.getLogger(__name__)


def _user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _visitor(request: HttpRequest):
    return getattr(request, "visitor_id", None)


@require_GET
@vary_on_headers("HX-Request")
def feed(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    items = selectors.feed_items_for(user=_user(request), visitor_id=_visitor(request), now=now)
    item_extras.extras_attach(items=items, user=_user(request))
    try:
        feed_items_mark_shown(item_ids=[item.pk for item in items], now=now)
    except Exception:  # measurement never breaks the page
        logger.warning("feed items not marked shown", exc_info=True)
    template = "feed/feed.html#feed-items" if request.htmx or request.GET.get("partial") else "feed/feed.html"
    return TemplateResponse(request, template, {"items": items, "now": now})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or reverse("feed:feed")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("feed:feed")
    return redirect(target)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def item_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.feed_item_mark_read(item_id=pk, user=_user(request), visitor_id=_visitor(request), now=timezone.now())
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return _back(request)


@require_POST
def item_claim(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = services.feed_item_claim(
            item_id=pk, user=_user(request), visitor_id=_visitor(request), now=timezone.now()
        )
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"detail": exc.message}, status=exc.http_status)
        messages.warning(request, exc.message)
        if exc.code == "login_required":
            return redirect(f"{reverse('accounts:login')}?next={reverse('feed:feed')}")
        return _back(request)
    text = _("%(name)s 쿠폰을 쿠폰함에 넣어 드렸어요.") % {"name": item.coupon.rule.name}
    if _wants_json(request):
        return JsonResponse({"detail": text})
    messages.success(request, text)
    return _back(request)


@require_POST
def item_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """live.js reports that a toast was shown (measurement only)."""
    feed_item_seen(item_id=pk, user=_user(request), visitor_id=_visitor(request), now=timezone.now())
    return JsonResponse({"ok": True})


@require_GET
def item_go(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow an item's link, counting the click for measurement."""
    try:
        item = services.feed_item_click(
            item_id=pk, user=_user(request), visitor_id=_visitor(request), now=timezone.now()
        )
    except DomainError:
        return redirect("feed:feed")
    link = item.link or reverse("feed:feed")
    if not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        link = reverse("feed:feed")
    return redirect(link)


@require_POST
def greeting_claim(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.greeting_benefit_claim(
            greeting_id=pk, user=_user(request), visitor_id=_visitor(request), now=timezone.now()
        )
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"detail": exc.message}, status=exc.http_status)
        messages.warning(request, exc.message)
        if exc.code == "login_required":
            return redirect(reverse("accounts:login"))
        return _back(request)
    text = _("인사말 혜택 쿠폰을 쿠폰함에 넣어 드렸어요.")
    if _wants_json(request):
        return JsonResponse({"detail": text})
    messages.success(request, text)
    return _back(request)
