"""Essentials subscriptions (정기배송): sign up, skip, pause, resume, change interval, cancel, and the due-date run.

The due-date run places the order through checkout's own services (stock, payment, signals), from a
throwaway cart, with an idempotency key derived from (subscription, due date): running it twice, even at the
same moment, returns the first order; the SubscriptionRun row with its unique (subscription, due_date) key
records the outcome once.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop import signals
from shop.models import (
    Address,
    Cart,
    CartLine,
    Category,
    NotificationEvent,
    PaymentMethod,
    Product,
    Subscription,
    SubscriptionRun,
)
from shop.payments import payment_provider
from shop.services.billing import payment_billing_charge
from shop.services.checkout import (
    CheckoutChanged,
    CheckoutInProgress,
    CheckoutResult,
    SeenLine,
    ShippingAddress,
    address_save,
    checkout_complete,
)
from shop.services.notifications import notifications_queue

SUBSCRIPTION_PRODUCT_NOT_SUBSCRIBABLE = gettext_noop("이 상품은 정기배송을 신청할 수 없어요.")
SUBSCRIPTION_PRODUCT_NOT_ON_SALE = gettext_noop("지금은 판매하지 않는 상품이라 정기배송을 시작할 수 없어요.")
SUBSCRIPTION_ALREADY_EXISTS = gettext_noop("이미 정기배송 중인 상품이에요. 정기배송 관리에서 주기를 바꿀 수 있어요.")
SUBSCRIPTION_INTERVAL_INVALID = gettext_noop("배송 주기는 2주, 4주, 8주 중에서 골라 주세요.")
SUBSCRIPTION_QUANTITY_INVALID = gettext_noop("수량은 1개에서 10개 사이로 골라 주세요.")
SUBSCRIPTION_ADDRESS_INVALID = gettext_noop("배송지를 골라 주세요.")
SUBSCRIPTION_START_INVALID = gettext_noop("첫 배송일은 내일 이후로 골라 주세요.")
SUBSCRIPTION_NOT_ACTIVE = gettext_noop("배송 중인 정기배송에서만 할 수 있어요.")
SUBSCRIPTION_NOT_PAUSED = gettext_noop("잠시 멈춘 정기배송만 다시 시작할 수 있어요.")
SUBSCRIPTION_CANCELLED = gettext_noop("해지한 정기배송이에요.")
SUBSCRIPTION_NO_ADDRESS = gettext_noop("배송지가 지워져서 주문하지 못했어요. 배송지를 다시 골라 주세요.")

MAX_QUANTITY = 10
SUBSCRIPTION_KEY_NAMESPACE = uuid.UUID("6f1d3c52-9a4e-4c8b-bf0e-2d1a7c9e5b43")


def subscription_lock(qs: QuerySet[Subscription]) -> QuerySet[Subscription]:
    return qs.order_by("pk").select_for_update(of=("self",))


def _locked(subscription: Subscription) -> Subscription:
    return subscription_lock(Subscription.objects.filter(pk=subscription.pk)).get()


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def _check_interval(interval_weeks: int) -> None:
    if interval_weeks not in Subscription.Interval.values:
        raise DomainError(_(SUBSCRIPTION_INTERVAL_INVALID), code="subscription_interval")


def _save(subscription: Subscription, fields: list[str]) -> Subscription:
    subscription.full_clean(validate_constraints=False)
    subscription.save(update_fields=fields)
    return subscription


@transaction.atomic(durable=True)
def subscription_create(
    *,
    user: User,
    product: Product,
    interval_weeks: int,
    address: Address,
    quantity: int = 1,
    first_date: date | None = None,
) -> Subscription:
    """Subscribe `user` to an essential, subscribable product, paid by card, first delivery on `first_date`.

    One live subscription per product and customer (a partial unique constraint backs the check).
    """
    _check_interval(interval_weeks)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_(SUBSCRIPTION_QUANTITY_INVALID), code="subscription_quantity")
    if address is None or address.user_id != user.pk:
        raise DomainError(_(SUBSCRIPTION_ADDRESS_INVALID), code="subscription_address")
    product = Product.objects.select_related("category").get(pk=product.pk)
    if not product.is_subscribable or product.category.kind != Category.Kind.ESSENTIAL:
        raise DomainError(_(SUBSCRIPTION_PRODUCT_NOT_SUBSCRIBABLE), code="subscription_product")
    if not product.is_active:
        raise DomainError(_(SUBSCRIPTION_PRODUCT_NOT_ON_SALE), code="subscription_product")
    first_date = first_date or _tomorrow()
    if first_date < _tomorrow():
        raise DomainError(_(SUBSCRIPTION_START_INVALID), code="subscription_start")
    if Subscription.objects.filter(user=user, product=product).exclude(status=Subscription.Status.CANCELLED).exists():
        raise DomainError(_(SUBSCRIPTION_ALREADY_EXISTS), code="subscription_exists", http_status=409)
    subscription = Subscription(
        user=user,
        product=product,
        quantity=quantity,
        interval_weeks=interval_weeks,
        address=address,
        payment_method=PaymentMethod.CARD,
        next_due_date=first_date,
    )
    subscription.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:
        raise DomainError(_(SUBSCRIPTION_ALREADY_EXISTS), code="subscription_exists", http_status=409) from exc
    return subscription


@transaction.atomic(durable=True)
def subscription_skip_next(*, subscription: Subscription) -> Subscription:
    """Skip the next delivery: it is recorded as skipped and the next date moves one interval later."""
    locked = _locked(subscription)
    if locked.status != Subscription.Status.ACTIVE:
        raise DomainError(_(SUBSCRIPTION_NOT_ACTIVE), code="subscription_state", http_status=409)
    SubscriptionRun.objects.get_or_create(
        subscription=locked,
        due_date=locked.next_due_date,
        defaults={"outcome": SubscriptionRun.Outcome.SKIPPED, "message": _("고객 요청으로 건너뛰었어요.")},
    )
    locked.next_due_date = locked.next_due_date + timedelta(weeks=locked.interval_weeks)
    return _save(locked, ["next_due_date"])


@transaction.atomic(durable=True)
def subscription_pause(*, subscription: Subscription) -> Subscription:
    locked = _locked(subscription)
    if locked.status != Subscription.Status.ACTIVE:
        raise DomainError(_(SUBSCRIPTION_NOT_ACTIVE), code="subscription_state", http_status=409)
    locked.status = Subscription.Status.PAUSED
    locked.paused_at = timezone.now()
    return _save(locked, ["status", "paused_at"])


@transaction.atomic(durable=True)
def subscription_resume(*, subscription: Subscription) -> Subscription:
    """Resume a paused subscription; a next date that passed while paused moves to the first one ahead."""
    locked = _locked(subscription)
    if locked.status != Subscription.Status.PAUSED:
        raise DomainError(_(SUBSCRIPTION_NOT_PAUSED), code="subscription_state", http_status=409)
    tomorrow = _tomorrow()
    while locked.next_due_date < tomorrow:
        locked.next_due_date += timedelta(weeks=locked.interval_weeks)
    locked.status = Subscription.Status.ACTIVE
    locked.paused_at = None
    return _save(locked, ["status", "paused_at", "next_due_date"])


@transaction.atomic(durable=True)
def subscription_change(
    *, subscription: Subscription, interval_weeks: int | None = None, address: Address | None = None
) -> Subscription:
    """Change the interval (the next date stays) and/or the delivery address."""
    locked = _locked(subscription)
    if locked.status == Subscription.Status.CANCELLED:
        raise DomainError(_(SUBSCRIPTION_CANCELLED), code="subscription_state", http_status=409)
    fields = []
    if interval_weeks is not None and interval_weeks != locked.interval_weeks:
        _check_interval(interval_weeks)
        locked.interval_weeks = interval_weeks
        fields.append("interval_weeks")
    if address is not None and address.pk != locked.address_id:
        if address.user_id != locked.user_id:
            raise DomainError(_(SUBSCRIPTION_ADDRESS_INVALID), code="subscription_address")
        locked.address = address
        fields.append("address")
    return _save(locked, fields) if fields else locked


@transaction.atomic(durable=True)
def subscription_address_change(
    *, subscription: Subscription, address: Address | None = None, new_address: ShippingAddress | None = None
) -> Subscription:
    """Deliver the next boxes to one of the customer's saved addresses, or to a new one (saved to their book).

    Locks the subscription row. Raises DomainError when the subscription is cancelled or the address is not the
    subscriber's. Later orders copy the address when they are made; orders already placed keep theirs.
    """
    locked = _locked(subscription)
    if locked.status == Subscription.Status.CANCELLED:
        raise DomainError(_(SUBSCRIPTION_CANCELLED), code="subscription_state", http_status=409)
    if new_address is not None:
        address = address_save(user=locked.user, address=new_address)
    if address is None or address.user_id != locked.user_id:
        raise DomainError(_(SUBSCRIPTION_ADDRESS_INVALID), code="subscription_address")
    if address.pk == locked.address_id:
        return locked
    locked.address = address
    return _save(locked, ["address"])


@transaction.atomic(durable=True)
def subscription_cancel(*, subscription: Subscription) -> Subscription:
    locked = _locked(subscription)
    if locked.status == Subscription.Status.CANCELLED:
        raise DomainError(_(SUBSCRIPTION_CANCELLED), code="subscription_state", http_status=409)
    locked.status = Subscription.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    return _save(locked, ["status", "cancelled_at"])


# --- The due-date run ----------------------------------------------------------------------------------------


def subscription_idempotency_key(*, subscription_id: int, due_date: date) -> uuid.UUID:
    """The checkout idempotency key of one delivery: the same (subscription, date) always gives the same key."""
    return uuid.uuid5(SUBSCRIPTION_KEY_NAMESPACE, f"subscription:{subscription_id}:{due_date.isoformat()}")


def _run_record(
    *, subscription_id: int, due_date: date, outcome: str, order=None, message: str = ""
) -> SubscriptionRun:
    """Record the run once and move the next date past `due_date` (under the subscription's lock)."""
    with transaction.atomic(durable=True):
        locked = subscription_lock(Subscription.objects.filter(pk=subscription_id)).get()
        run, _created = SubscriptionRun.objects.get_or_create(
            subscription=locked,
            due_date=due_date,
            defaults={"outcome": outcome, "order": order, "message": message[:200]},
        )
        if locked.next_due_date <= due_date:
            locked.next_due_date = due_date + timedelta(weeks=locked.interval_weeks)
            locked.save(update_fields=["next_due_date"])
        return run


def _throwaway_cart(*, subscription: Subscription) -> Cart:
    """A cart that belongs to no one (so the customer's own cart is untouched) holding this delivery."""
    cart = Cart.objects.create(attribution_source=f"subscription:{subscription.pk}")
    CartLine.objects.create(
        cart=cart, product=subscription.product, quantity=subscription.quantity, seen_price=subscription.product.price
    )
    return cart


def subscription_order_for_due_date(*, subscription: Subscription, due_date: date) -> SubscriptionRun | None:
    """Place the order of one due delivery, once. Returns the run, or None when nothing is due.

    Safe to call twice or concurrently: an existing run returns early; two callers racing through checkout
    share one idempotency key, so checkout returns the first order to the second; the run's unique key records
    it once. Stock or address problems become a `failed` run with the reason, and the next date moves on.
    """
    subscription = Subscription.objects.select_related("product", "address", "user").get(pk=subscription.pk)
    existing = SubscriptionRun.objects.filter(subscription=subscription, due_date=due_date).first()
    if existing is not None:
        return existing
    if subscription.status != Subscription.Status.ACTIVE or subscription.next_due_date != due_date:
        return None
    address = subscription.address
    if address is None:
        return _run_record(
            subscription_id=subscription.pk,
            due_date=due_date,
            outcome=SubscriptionRun.Outcome.FAILED,
            message=_(SUBSCRIPTION_NO_ADDRESS),
        )
    cart = _throwaway_cart(subscription=subscription)
    try:
        result = checkout_complete(
            user=subscription.user,
            cart=cart,
            idempotency_key=subscription_idempotency_key(subscription_id=subscription.pk, due_date=due_date),
            address=ShippingAddress(
                recipient_name=address.recipient_name,
                phone=address.phone,
                postal_code=address.postal_code,
                address1=address.address1,
                address2=address.address2,
                memo=address.memo,
            ),
            seen_lines=[
                SeenLine(
                    product_id=subscription.product_id,
                    unit_price=subscription.product.price,
                    quantity=subscription.quantity,
                )
            ],
            payment_method=subscription.payment_method,
        )
    except CheckoutInProgress as exc:
        # A racing run of the same delivery placed the order and is charging it: this run names that order too.
        result = CheckoutResult(order=exc.order, created=False)
    except CheckoutChanged as exc:
        return _run_record(
            subscription_id=subscription.pk,
            due_date=due_date,
            outcome=SubscriptionRun.Outcome.FAILED,
            message=" ".join(str(change) for change in exc.changes),
        )
    except DomainError as exc:
        return _run_record(
            subscription_id=subscription.pk,
            due_date=due_date,
            outcome=SubscriptionRun.Outcome.FAILED,
            message=exc.message,
        )
    finally:
        Cart.objects.filter(pk=cart.pk).delete()
    order = result.order
    if payment_provider().uses_widget and order.status == order.Status.PENDING_PAYMENT:
        # A gateway provider charges nothing at checkout: the delivery is charged to the registered card.
        order = payment_billing_charge(order=order)
    paid = order.status != order.Status.CANCELLED
    if not paid:
        notifications_queue(
            event=NotificationEvent.SUBSCRIPTION_PAYMENT_FAILED,
            user=subscription.user,
            subscription=subscription,
            due_date=due_date,
        )
    return _run_record(
        subscription_id=subscription.pk,
        due_date=due_date,
        outcome=SubscriptionRun.Outcome.ORDERED if paid else SubscriptionRun.Outcome.FAILED,
        order=order,
        message=""
        if paid
        else (getattr(getattr(order, "payment", None), "message", "") or _("결제가 승인되지 않았어요.")),
    )


def subscriptions_due(*, on: date) -> QuerySet[Subscription]:
    """Active subscriptions whose next delivery is on or before `on` (missed days are caught up)."""
    return Subscription.objects.filter(status=Subscription.Status.ACTIVE, next_due_date__lte=on).order_by("pk")


def subscription_remind(*, subscription: Subscription, due_date: date) -> bool:
    """Mark the day-before reminder for `due_date` sent, once; send `subscription_reminder_due` after commit.

    A conditional UPDATE (`reminded_for` differs) decides, so two beat runs send one reminder.
    """
    with transaction.atomic(durable=True):
        updated = (
            Subscription.objects.filter(pk=subscription.pk, status=Subscription.Status.ACTIVE, next_due_date=due_date)
            .exclude(reminded_for=due_date)
            .update(reminded_for=due_date)
        )
        if updated:
            transaction.on_commit(
                partial(
                    signals.subscription_reminder_due.send,
                    sender=Subscription,
                    subscription=Subscription.objects.select_related("product", "user").get(pk=subscription.pk),
                )
            )
    return bool(updated)
