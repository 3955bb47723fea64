"""상품 Q&A: shoppers ask on the product page; a member of the team running the product's shop answers there."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.feed_messages import QUESTION_ANSWERED
from community.models import ProductQuestion
from community.selectors.qna import qna_can_answer
from community.services.moderation import rate_check, text_clean, write_check
from community.services.page_versions import product_panels_changed
from config.errors import DomainError
from feed.models import FeedItem
from feed.services import feed_item_create

PRODUCT_NOT_ON_SALE = gettext_noop("지금은 판매하지 않는 상품이라 문의를 받을 수 없어요.")
ANSWER_TEAM_ONLY = gettext_noop("이 상품을 운영하는 팀만 답변할 수 있어요.")
QUESTION_NOT_YOURS = gettext_noop("내가 남긴 문의만 지울 수 있어요.")
QUESTION_ALREADY_ANSWERED = gettext_noop("답변이 달린 문의는 지울 수 없어요.")

QUESTION_MAX = 1000
ANSWER_MAX = 2000


def question_ask(*, product, asker, body: str, is_private: bool = False) -> ProductQuestion:
    """A logged-in, unsuspended shopper asks about a product on sale. A private question is seen only by the
    asker and the product's team. Raises DomainError (login 401, suspended 403, empty/long text, rate 429)."""
    write_check(user=asker)
    if not product.is_active:
        raise DomainError(_(PRODUCT_NOT_ON_SALE), code="not_on_sale", http_status=409)
    question = ProductQuestion(
        product=product,
        asker=asker,
        body=text_clean(body, field=_("문의 내용"), max_length=QUESTION_MAX),
        is_private=bool(is_private),
        created_at=timezone.now(),
    )
    rate_check(user=asker, action="comment")
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_answer(*, question: ProductQuestion, user, body: str, now: datetime | None = None) -> ProductQuestion:
    """A member of the team that runs the product's shop (or an admin) answers, or edits the answer. The first
    answer tells the asker in their feed (the row now, the live push after commit)."""
    if not qna_can_answer(user=user, product=question.product):
        raise DomainError(_(ANSWER_TEAM_ONLY), code="forbidden", http_status=403)
    text = text_clean(body, field=_("답변"), max_length=ANSWER_MAX)
    now = now or timezone.now()
    first = (
        ProductQuestion.objects.filter(pk=question.pk, answered_at__isnull=True).update(
            answer=text, answered_by=user, answered_at=now
        )
        == 1
    )
    if not first:
        ProductQuestion.objects.filter(pk=question.pk).update(answer=text, answered_by=user)
    product_panels_changed(product_id=question.product_id)
    question.refresh_from_db(fields=["answer", "answered_by", "answered_at"])
    if first:
        product = question.product
        feed_item_create(
            kind=FeedItem.Kind.COMMUNITY,
            user=question.asker,
            message_code=QUESTION_ANSWERED,
            message_params={"product": product.name[:40], "answer": text[:120]},
            link=product.get_absolute_url() + f"#question-{question.pk}",
            toast=True,
        )
    return question


def question_delete(*, question: ProductQuestion, user) -> None:
    """The asker takes back a question nobody has answered yet."""
    if user is None or not user.is_authenticated or question.asker_id != user.pk:
        raise DomainError(_(QUESTION_NOT_YOURS), code="forbidden", http_status=403)
    if question.answered_at is not None:
        raise DomainError(_(QUESTION_ALREADY_ANSWERED), code="answered", http_status=409)
    question.delete()
