"""Point writes. Every write locks the customer's PointAccount row first, then reads the ledger and decides.

Expiry is FIFO by expiry date: spends use the points that expire first, so the amount that has expired by a
moment is what was earned with an earlier expiry, minus everything already spent or already expired. The
computation is lenient where FIFO is ambiguous (it never expires more than strict FIFO would).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop.history_notes import point_note_encode
from shop.models import Order, PointAccount, PointEntry
from shop.selectors.cart import Discount
from shop.selectors.points import point_balance, points_due_to_expire

POINTS_NOT_ENOUGH = gettext_noop("사용할 수 있는 적립금이 부족해요. (사용 가능: {balance})")
POINTS_AMOUNT_INVALID = gettext_noop("적립금은 1원 이상, 원 단위로 입력해 주세요.")
POINTS_ADJUST_ZERO = gettext_noop("조정할 적립금을 입력해 주세요.")
POINTS_ADJUST_BELOW_ZERO = gettext_noop("조정하면 적립금이 0원보다 적어져요.")

CREDIT_KINDS = (PointEntry.Kind.EARN, PointEntry.Kind.REFUND, PointEntry.Kind.ADJUST)


def point_account_lock(*, user: User) -> PointAccount:
    """Create the customer's account row if needed and lock it (select_for_update) for this transaction.

    Caller must be inside a transaction. Every point write goes through here, so two writes for the same
    customer never read the balance at the same time.
    """
    PointAccount.objects.get_or_create(user=user)
    return PointAccount.objects.select_for_update(of=("self",)).get(user=user)


def _note_fields(note: str) -> dict[str, str]:
    """A code of shop.history_notes.POINT_NOTES (or its Korean text) becomes note_code; other text stays as note."""
    note_code, free_text = point_note_encode(note)
    return {"note_code": note_code, "note": free_text[:100]}


def _ledger_sum(*, user: User, condition: Q) -> int:
    return PointEntry.objects.filter(condition, user=user).aggregate(total=Sum("amount"))["total"] or 0


def _expire_due_locked(*, user: User, now: datetime) -> PointEntry | None:
    due = points_due_to_expire(user=user, at=now)
    if due <= 0:
        return None
    entry = PointEntry(user=user, amount=-due, kind=PointEntry.Kind.EXPIRE, note_code="expired", created_at=now)
    entry.full_clean()
    entry.save()
    return entry


def _balance_locked(*, user: User) -> int:
    return _ledger_sum(user=user, condition=Q())


def _earn_expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.POINTS_EXPIRY_DAYS)


@transaction.atomic
def point_spend(*, user: User, amount: int, order: Order | None = None, note: str = "") -> PointEntry:
    """Spend `amount` points (checkout calls this inside its own transaction).

    Locks the customer's PointAccount row, writes any points that are due to expire, then checks the balance
    and appends a spend entry. Raises DomainError when the balance is short, so the balance never goes below
    zero however many spends race.
    """
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_(POINTS_AMOUNT_INVALID), code="points_invalid")
    now = timezone.now()
    point_account_lock(user=user)
    _expire_due_locked(user=user, now=now)
    balance = _balance_locked(user=user)
    if amount > balance:
        raise DomainError(
            _(POINTS_NOT_ENOUGH).format(balance=f"{balance:,}원"), code="points_not_enough", http_status=409
        )
    entry = PointEntry(
        user=user,
        amount=-amount,
        kind=PointEntry.Kind.SPEND,
        order=order,
        **_note_fields(note or ("spent_on_order" if order else "")),
        created_at=now,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    return entry


def _append_once(*, entry: PointEntry) -> PointEntry:
    """Save an order-bound entry unless the same (order, kind) already exists; return the one that stands."""
    existing = PointEntry.objects.filter(order=entry.order, kind=entry.kind).first()
    if existing is not None:
        return existing
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return PointEntry.objects.get(order=entry.order, kind=entry.kind)
    return entry


@transaction.atomic
def point_refund_for_order(*, order: Order) -> PointEntry | None:
    """Give back the points an order spent, exactly once (cancellation or refund calls this).

    Locks the customer's PointAccount row; a second call (or a racing one) finds the refund entry and
    returns it without writing. Returns None when the order spent no points. The returned points get a
    fresh expiry period.
    """
    point_account_lock(user=order.user)
    spend = PointEntry.objects.filter(order=order, kind=PointEntry.Kind.SPEND).first()
    if spend is None:
        return None
    now = timezone.now()
    return _append_once(
        entry=PointEntry(
            user=order.user,
            amount=-spend.amount,
            kind=PointEntry.Kind.REFUND,
            order=order,
            note_code="returned_on_cancel",
            created_at=now,
            expires_at=_earn_expiry(now),
        )
    )


def point_earn_amount(*, order: Order) -> int:
    return order.total * settings.POINTS_EARN_RATE_PERCENT // 100


@transaction.atomic
def point_earn_for_order(*, order: Order) -> PointEntry | None:
    """Credit the points a delivered order earns (POINTS_EARN_RATE_PERCENT of what was paid), once.

    Locks the customer's PointAccount row. Idempotent: the (order, earn) unique key means a retry returns
    the first entry. Returns None when the order earns nothing (e.g. fully paid with points).
    """
    amount = point_earn_amount(order=order)
    if amount <= 0:
        return None
    point_account_lock(user=order.user)
    now = timezone.now()
    return _append_once(
        entry=PointEntry(
            user=order.user,
            amount=amount,
            kind=PointEntry.Kind.EARN,
            order=order,
            note_code="earned_on_purchase",
            created_at=now,
            expires_at=_earn_expiry(now),
        )
    )


@transaction.atomic
def point_adjust(*, user: User, amount: int, note: str, expires_at: datetime | None = None) -> PointEntry:
    """An admin's correction or gift (positive) or deduction (negative). Never leaves the balance below zero."""
    if amount == 0:
        raise DomainError(_(POINTS_ADJUST_ZERO), code="points_invalid")
    now = timezone.now()
    point_account_lock(user=user)
    _expire_due_locked(user=user, now=now)
    if amount < 0 and _balance_locked(user=user) + amount < 0:
        raise DomainError(_(POINTS_ADJUST_BELOW_ZERO), code="points_not_enough", http_status=409)
    if amount > 0 and expires_at is None:
        expires_at = _earn_expiry(now)
    entry = PointEntry(
        user=user,
        amount=amount,
        kind=PointEntry.Kind.ADJUST,
        **_note_fields(note),
        created_at=now,
        expires_at=expires_at if amount > 0 else None,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic(durable=True)
def point_expire_for_user(*, user: User) -> PointEntry | None:
    """Write the expire entry for points of `user` that have expired; a second run writes nothing."""
    point_account_lock(user=user)
    return _expire_due_locked(user=user, now=timezone.now())


def point_expire_due_users() -> list[int]:
    """Ids of customers with points due to expire now: one grouped query over the ledger (see module doc)."""
    now = timezone.now()
    return list(
        PointEntry.objects.values("user_id")
        .annotate(
            expiring=Sum("amount", filter=Q(amount__gt=0, expires_at__isnull=False, expires_at__lte=now), default=0),
            used=Sum("amount", filter=Q(amount__lt=0), default=0),
        )
        .filter(expiring__gt=-F("used"))
        .values_list("user_id", flat=True)
    )


# --- Points at checkout ------------------------------------------------------------------------------------

POINTS_MORE_THAN_BALANCE = gettext_noop("보유한 적립금({balance})보다 많이 쓸 수 없어요.")


def points_discount_compute(*, user: User, points: int, payable: int) -> list[Discount]:
    """The points part of checkout's discount step (preview and placing). Pure apart from one balance read.

    `payable` is what is left to pay after coupons; using more than that is trimmed to it. The balance is read
    without a lock here; `points_spend_for_order` re-checks it under the account lock when the order is placed.
    """
    if not points:
        return []
    if not isinstance(points, int) or points < 0:
        raise DomainError(_(POINTS_AMOUNT_INVALID), code="points_invalid")
    balance = point_balance(user=user)
    if points > balance:
        raise DomainError(
            _(POINTS_MORE_THAN_BALANCE).format(balance=f"{balance:,}원"), code="points_not_enough", http_status=409
        )
    amount = min(points, max(0, payable))
    if amount <= 0:
        return []
    return [Discount(kind="points", label=_("적립금 사용"), amount=amount, ref=str(amount))]


def points_spend_for_order(*, order: Order, amount: int) -> PointEntry | None:
    """Inside checkout's transaction: spend the points the order uses, under the account lock."""
    if amount <= 0:
        return None
    return point_spend(user=order.user, amount=amount, order=order)


def loyalty_release_for_order(order: Order) -> None:
    """Cancellation step: give back the order's coupons and points, each exactly once.

    Called inside the cancelling transaction with the order row locked (shop.services.orders).
    """
    from shop.services.coupons import coupon_release_for_order

    coupon_release_for_order(order=order)
    point_refund_for_order(order=order)
    point_earn_reverse_for_order(order=order)


@transaction.atomic
def point_earn_reverse_for_order(*, order: Order) -> PointEntry | None:
    """A refunded order takes back the points it earned, once, and never more than the balance holds.

    Locks the customer's PointAccount row; the reversal is an `adjust` entry bound to the order, so a second
    call finds it and writes nothing.
    """
    earned = PointEntry.objects.filter(order=order, kind=PointEntry.Kind.EARN).first()
    if earned is None:
        return None
    point_account_lock(user=order.user)
    existing = PointEntry.objects.filter(order=order, kind=PointEntry.Kind.ADJUST, amount__lt=0).first()
    if existing is not None:
        return existing
    now = timezone.now()
    _expire_due_locked(user=order.user, now=now)
    amount = min(earned.amount, _balance_locked(user=order.user))
    if amount <= 0:
        return None
    entry = PointEntry(
        user=order.user,
        amount=-amount,
        kind=PointEntry.Kind.ADJUST,
        order=order,
        note_code="earn_reversed_on_refund",
        created_at=now,
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    return entry
