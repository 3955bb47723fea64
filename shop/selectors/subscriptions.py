"""Subscription reads: the customer's 정기배송 page."""

from django.db.models import Case, IntegerField, OuterRef, Prefetch, Subquery, Value, When

from accounts.models import User
from shop.models import BillingKey, ProductImage, Subscription, SubscriptionRun


def product_image_subquery(product_field: str) -> Subquery:
    """The first image path of the product that `product_field` points at (for Product.card_image_url)."""
    images = ProductImage.objects.filter(product=OuterRef(product_field)).order_by("sort_order", "pk").values("image")
    return Subquery(images[:1])


def subscriptions_for_user(*, user: User) -> list[Subscription]:
    """Live subscriptions first (soonest delivery first), then cancelled ones, with product, shop, category,
    address, first image and past runs (with their orders): two queries however many there are."""
    subscriptions = list(
        Subscription.objects.filter(user=user)
        .select_related("product", "product__store", "product__category", "address")
        .annotate(product_image=product_image_subquery("product_id"))
        .prefetch_related(
            Prefetch(
                "runs",
                queryset=SubscriptionRun.objects.select_related("order").order_by("-due_date", "-pk"),
                to_attr="recent_runs",
            )
        )
        .annotate(
            status_rank=Case(
                When(status=Subscription.Status.ACTIVE, then=Value(0)),
                When(status=Subscription.Status.PAUSED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "next_due_date", "pk")
    )
    for subscription in subscriptions:
        subscription.product.primary_image = subscription.product_image  # type: ignore[attr-defined]
    return subscriptions  # type: ignore[return-value]


def subscription_for_user(*, user: User, pk: int) -> Subscription | None:
    """One of the customer's subscriptions (None for anyone else's: no IDOR)."""
    return Subscription.objects.filter(user=user, pk=pk).select_related("product", "address").first()


def billing_card_for_user(*, user: User) -> BillingKey | None:
    """The card the customer registered for 정기결제 (its label only), or None."""
    return BillingKey.objects.filter(user=user).only("card_label").first()
