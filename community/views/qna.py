"""상품 Q&A: the product-page panel (registered with shop.hooks), asking, answering, and the team's waiting list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from community.models import ProductQuestion
from community.selectors.qna import product_questions, qna_can_answer, question_get, questions_unanswered_for
from community.services.qna import QUESTION_MAX, question_answer, question_ask, question_delete
from config.errors import DomainError
from shop.models import Product

PANEL_QUESTIONS = 5
QUESTIONS_PER_PAGE = 20


def _panel_context(request: HttpRequest, product: Product, *, error: str = "", notice: str = "") -> dict:
    can_answer = qna_can_answer(user=request.user, product=product)
    questions = product_questions(product=product, viewer=request.user, can_answer=can_answer)
    shown = list(questions[: PANEL_QUESTIONS + 1])
    return {
        "product": product,
        "questions": shown[:PANEL_QUESTIONS],
        "has_more": len(shown) > PANEL_QUESTIONS,
        "can_answer": can_answer,
        "question_max": QUESTION_MAX,
        "qna_error": error,
        "qna_notice": notice,
    }


def qna_panel(request: HttpRequest, product: Product) -> str:
    """The product page's 상품 Q&A panel (shop.hooks provider): latest questions, the ask form, and for the
    product's team an answer box under every question."""
    return render_to_string("community/qna/_panel.html", _panel_context(request, product), request=request)


def _product_or_404(pk: int) -> Product:
    product = Product.objects.select_related("store", "store__team").filter(pk=pk).first()
    if product is None:
        raise Http404(_("찾을 수 없는 상품이에요."))
    return product


def _panel_response(request: HttpRequest, product: Product, *, error: str = "", notice: str = "", status: int = 200):
    response = render(
        request,
        "community/qna/_panel.html",
        _panel_context(request, product, error=error, notice=notice),
        status=status,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def product_qna(request: HttpRequest, product_id: int) -> HttpResponse:
    """GET: every question of a product the viewer may read (paged). POST: ask one (htmx swaps the panel)."""
    product = _product_or_404(product_id)
    if request.method == "POST":
        if not request.user.is_authenticated:
            if request.htmx:
                return _panel_response(request, product, error=_("로그인하면 문의를 남길 수 있어요."), status=401)
            return redirect(f"/accounts/login/?next={product.get_absolute_url()}%23qna")
        try:
            question_ask(
                product=product,
                asker=request.user,
                body=request.POST.get("body", ""),
                is_private=request.POST.get("is_private") == "1",
            )
        except DomainError as exc:
            if request.htmx:
                return _panel_response(request, product, error=exc.message, status=exc.http_status)
            messages.error(request, exc.message)
        else:
            notice = _("문의를 남겼어요. 답변이 달리면 피드로 알려 드릴게요.")
            if request.htmx:
                return _panel_response(request, product, notice=notice)
            messages.success(request, notice)
        return redirect(product.get_absolute_url() + "#qna")
    can_answer = qna_can_answer(user=request.user, product=product)
    page = Paginator(
        product_questions(product=product, viewer=request.user, can_answer=can_answer), QUESTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {"product": product, "page": page, "questions": list(page.object_list), "can_answer": can_answer}
    return render(request, "community/qna/product.html", context)


def _question_or_404(pk: int) -> ProductQuestion:
    try:
        return question_get(pk=pk)
    except ProductQuestion.DoesNotExist:
        raise Http404(_("찾을 수 없는 문의예요.")) from None


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(pk)
    product = question.product
    try:
        question_answer(question=question, user=request.user, body=request.POST.get("answer", ""))
    except DomainError as exc:
        if request.htmx:
            return _panel_response(request, product, error=exc.message, status=exc.http_status)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _panel_response(request, product, notice=_("답변을 올렸어요. 고객에게 피드로 알려 드렸어요."))
        messages.success(request, _("답변을 올렸어요."))
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(product.get_absolute_url() + "#qna")


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(pk)
    product = question.product
    try:
        question_delete(question=question, user=request.user)
    except DomainError as exc:
        if request.htmx:
            return _panel_response(request, product, error=exc.message, status=exc.http_status)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _panel_response(request, product, notice=_("문의를 지웠어요."))
        messages.success(request, _("문의를 지웠어요."))
    return redirect(product.get_absolute_url() + "#qna")


@staff_member_required
@require_safe
def unanswered(request: HttpRequest) -> HttpResponse:
    """Questions waiting for an answer: a staff member sees their teams' shops; an admin sees all."""
    page = Paginator(questions_unanswered_for(user=request.user), QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/qna/unanswered.html", {"page": page, "questions": list(page.object_list)})
