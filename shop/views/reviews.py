"""Reviews: writing one (verified buyers), the product page's section, the full list, 도움돼요 and shop replies."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from shop.models import OrderLine, Product, Review
from shop.review_context import review_section_context
from shop.selectors.reviews import (
    reviewable_lines,
    reviews_by_user,
    reviews_for_product,
)
from shop.services.reviews import (
    BODY_MAX,
    MAX_PHOTOS,
    review_create,
    review_helpful_vote,
    review_reply,
)

REVIEWS_PER_PAGE = 10
RATING_CHOICES = [(5, "★★★★★"), (4, "★★★★☆"), (3, "★★★☆☆"), (2, "★★☆☆☆"), (1, "★☆☆☆☆")]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("별점"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, initial=5
    )
    body = forms.CharField(
        label=gettext_lazy("리뷰"),
        max_length=BODY_MAX,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": gettext_lazy("상품은 어땠나요? 사용해 본 느낌을 이웃에게 들려주세요. (10자 이상)"),
            }
        ),
    )
    # Photos come from request.FILES.getlist("photos") (a multiple file input); the service verifies them.


def _own_line(request: HttpRequest, line_id: int) -> OrderLine:
    line = OrderLine.objects.select_related("order", "product", "product__store").filter(pk=line_id).first()
    if line is None or line.order.user_id != request.user.pk:
        raise Http404(_("주문 상품을 찾을 수 없어요."))
    return line


@login_required
@require_http_methods(["GET", "POST"])
def review_write(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _own_line(request, line_id)
    form = ReviewForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        photos = request.FILES.getlist("photos")
        try:
            review_create(
                user=request.user,
                order_line=line,
                rating=form.cleaned_data["rating"],
                body=form.cleaned_data["body"],
                photos=photos,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("소중한 리뷰 고마워요. 이웃들에게 큰 도움이 될 거예요."))
            return redirect("shop:product", pk=line.product_id)
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request, "shop/review_form.html", {"form": form, "line": line, "max_photos": MAX_PHOTOS}, status=status
    )


@login_required
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "shop/my_reviews.html",
        {
            "lines": reviewable_lines(user=request.user, order_number=request.GET.get("order") or None),
            "reviews": list(reviews_by_user(user=request.user)[:50]),
        },
    )


@require_GET
def product_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("store"), pk=pk)
    page = Paginator(
        reviews_for_product(product=product, with_photos_only=request.GET.get("photos") == "1"), REVIEWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    section = review_section_context(user=request.user, product=product, reviews=list(page.object_list))
    return TemplateResponse(request, "shop/product_reviews.html", {"product": product, "page": page, **section})


@require_POST
def review_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk, is_visible=True)
    error = ""
    if not request.user.is_authenticated:
        error = _("로그인하면 도움돼요를 누를 수 있어요.")
    else:
        try:
            review_helpful_vote(review=review, user=request.user)
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        review.refresh_from_db(fields=["helpful_count"])
        response = TemplateResponse(
            request,
            "shop/partials/_helpful_button.html",
            {"review": review, "voted": not error, "helpful_error": error},
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
    if error:
        messages.error(request, error)
    return redirect("shop:product_reviews", pk=review.product_id)


@login_required
@require_POST
def review_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    try:
        review_reply(review=review, author=request.user, body=request.POST.get("body", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("답글을 달았어요."))
    return redirect("shop:product_reviews", pk=review.product_id)
