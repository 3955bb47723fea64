"""상품 Q&A: a shopper's question on a product page and the answer from the team that runs the product's shop."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.base import Moderated


class ProductQuestion(Moderated):
    """One question and (once given) its one answer. A private question is seen only by the asker and the team."""

    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="community_questions", on_delete=models.CASCADE
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("질문한 사람"),
        related_name="product_questions",
        on_delete=models.CASCADE,
    )
    body = models.TextField(_("질문"), max_length=1000)
    is_private = models.BooleanField(_("비밀글"), default=False)
    created_at = models.DateTimeField(_("질문한 때"), default=timezone.now)
    answer = models.TextField(_("답변"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("답변한 직원"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("답변한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("상품 문의")
        verbose_name_plural = _("상품 문의")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["product", "is_hidden", "-created_at"], name="product_question_list"),
            models.Index(fields=["answered_at", "created_at"], name="product_question_unanswered"),
        ]

    def __str__(self) -> str:
        return self.body[:30]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def get_absolute_url(self) -> str:
        return self.product.get_absolute_url() + "#qna"
