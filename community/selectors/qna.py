"""Reads for product Q&A: what a viewer may see on a product page, and the team's unanswered questions."""

from django.db.models import F, Q, QuerySet

from community.models import ProductQuestion


def qna_can_answer(*, user, product) -> bool:
    """An admin, or a member of the MD team that runs the product's shop (read through shop.Store.team)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    return product.store.team.members.filter(user_id=user.pk).exists()


def product_questions(*, product, viewer, can_answer: bool) -> QuerySet[ProductQuestion]:
    """The product's questions a viewer may read, newest first: every public one; private ones only for their
    asker and the product's team. Hidden (reported) questions are left out except for the team."""
    qs = ProductQuestion.objects.select_related("asker", "answered_by").filter(product=product)
    if can_answer:
        return qs.order_by("-created_at", "-pk")
    qs = qs.filter(is_hidden=False)
    if viewer is not None and viewer.is_authenticated:
        qs = qs.filter(Q(is_private=False) | Q(asker_id=viewer.pk))
    else:
        qs = qs.filter(is_private=False)
    return qs.order_by("-created_at", "-pk")


def questions_unanswered_for(*, user) -> QuerySet[ProductQuestion]:
    """Questions still waiting, oldest first: an admin sees all; a staff member those of their teams' shops."""
    qs = ProductQuestion.objects.select_related("asker", "product", "product__store").filter(
        answered_at__isnull=True, is_hidden=False
    )
    if not user.is_superuser:
        qs = qs.filter(product__store__team__members__user_id=user.pk).distinct()
    return qs.order_by("created_at", "pk")


def question_get(*, pk: int) -> ProductQuestion:
    return ProductQuestion.objects.select_related("product", "product__store", "asker").get(pk=pk)


def questions_unanswered_by(*, asker_ids: QuerySet | list[int]) -> QuerySet:
    """These customers' product questions still waiting for an answer, oldest first, as dicts (asker_id, product
    name, created_at): crm's morning round. One query."""
    return (
        ProductQuestion.objects.filter(asker_id__in=asker_ids, answered_at__isnull=True, is_hidden=False)
        .order_by("created_at", "pk")
        .values("asker_id", "created_at", product_name=F("product__name"))
    )
