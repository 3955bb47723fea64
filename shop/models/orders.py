import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.history_notes import ORDER_NOTES, note_render, order_note_encode


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("결제 대기")
    PAID = "paid", _("결제 완료")
    PREPARING = "preparing", _("상품 준비 중")
    SHIPPED = "shipped", _("배송 중")
    DELIVERED = "delivered", _("배송 완료")
    CANCELLED = "cancelled", _("주문 취소")
    REFUNDED = "refunded", _("환불 완료")


# The one transition table: an order moves only along these edges (shop.services.orders.order_transition).
# Cancelling before shipping puts the reserved stock back; a refund after delivery does not (returned goods
# are inspected before they are sold again).
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.PREPARING, OrderStatus.CANCELLED}),
    OrderStatus.PREPARING: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


class Carrier(models.TextChoices):
    """Domestic parcel carriers (택배사). The code is what staff pick; TRACKING_URLS opens the carrier's page."""

    CJ = "cj", _("CJ대한통운")
    HANJIN = "hanjin", _("한진택배")
    LOTTE = "lotte", _("롯데택배")
    EPOST = "epost", _("우체국택배")
    LOGEN = "logen", _("로젠택배")
    KDEXP = "kdexp", _("경동택배")


# The carrier's public tracking page for one waybill number ({number}: digits only).
TRACKING_URLS: dict[str, str] = {
    Carrier.CJ: "https://trace.cjlogistics.com/next/tracking.html?wblNo={number}",
    Carrier.HANJIN: "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={number}",
    Carrier.LOTTE: "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={number}",
    Carrier.EPOST: "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={number}",
    Carrier.LOGEN: "https://www.ilogen.com/web/personal/trace/{number}",
    Carrier.KDEXP: "https://kdexp.com/service/delivery/etc/delivery.do?barcode={number}",
}


CANCELLABLE_BY_CUSTOMER = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PREPARING})


class Order(models.Model):
    """A placed order. Money fields are whole won; line prices and the address are snapshots."""

    Status = OrderStatus

    number = models.CharField(_("주문 번호"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("주문한 분"), related_name="orders", on_delete=models.PROTECT
    )
    status = models.CharField(_("주문 상태"), max_length=20, choices=OrderStatus, default=OrderStatus.PENDING_PAYMENT)
    idempotency_key = models.UUIDField(_("중복 주문 방지 키"), default=uuid.uuid4, editable=False)

    recipient_name = models.CharField(_("받는 분"), max_length=30)
    phone = models.CharField(_("휴대폰"), max_length=20)
    postal_code = models.CharField(_("우편번호"), max_length=5)
    address1 = models.CharField(_("기본 주소"), max_length=200)
    address2 = models.CharField(_("상세 주소"), max_length=200, blank=True)
    memo = models.CharField(_("배송 메모"), max_length=100, blank=True)

    subtotal = models.PositiveIntegerField(_("상품 금액(원)"))
    shipping_fee = models.PositiveIntegerField(_("배송비(원)"), default=0)
    coupon_discount = models.PositiveIntegerField(_("쿠폰 할인(원)"), default=0)
    points_used = models.PositiveIntegerField(_("사용한 포인트"), default=0)
    total = models.PositiveIntegerField(_("결제 금액(원)"))

    carrier = models.CharField(_("택배사"), max_length=20, choices=Carrier, blank=True)
    tracking_number = models.CharField(_("운송장 번호"), max_length=30, blank=True)
    shipped_at = models.DateTimeField(_("발송한 때"), null=True, blank=True)

    stock_released = models.BooleanField(_("재고 되돌림 완료"), default=False, editable=False)
    attribution_source = models.CharField(_("유입 경로"), max_length=80, blank=True)
    placed_at = models.DateTimeField(_("주문한 때"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("결제한 때"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("취소한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("주문")
        verbose_name_plural = _("주문")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="order_unique_idempotency_key"),
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("subtotal")
                    + models.F("shipping_fee")
                    - models.F("coupon_discount")
                    - models.F("points_used")
                ),
                name="order_total_adds_up",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-placed_at"], name="order_user_recent"),
            # The 집들이 buyer counts (shop.selectors.orders.attributed_buyer_counts) look orders up by source; only
            # the few attributed orders are indexed.
            models.Index(
                fields=["attribution_source", "user"],
                name="order_attributed",
                condition=~models.Q(attribution_source=""),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def discount_total(self) -> int:
        return self.coupon_discount + self.points_used

    @property
    def is_cancellable(self) -> bool:
        return self.status in CANCELLABLE_BY_CUSTOMER

    @property
    def tracking_url(self) -> str:
        """The carrier's tracking page for this order's waybill, or "" before it ships."""
        template = TRACKING_URLS.get(self.carrier)
        if not template or not self.tracking_number:
            return ""
        return template.format(number=self.tracking_number)


class OrderLine(models.Model):
    """A product as it was sold: name, prices and shop copied at order time."""

    order = models.ForeignKey(Order, verbose_name=_("주문"), related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey("shop.Product", verbose_name=_("상품"), related_name="+", on_delete=models.PROTECT)
    store = models.ForeignKey("shop.Store", verbose_name=_("가게"), related_name="+", on_delete=models.PROTECT)
    product_name = models.CharField(_("상품명"), max_length=120)
    store_name = models.CharField(_("가게 이름"), max_length=60)
    unit_price = models.PositiveIntegerField(_("판매가(원)"))
    list_price = models.PositiveIntegerField(_("정가(원)"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("수량"))
    line_total = models.PositiveIntegerField(_("금액(원)"))

    class Meta:
        verbose_name = _("주문 상품")
        verbose_name_plural = _("주문 상품")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(line_total=models.F("unit_price") * models.F("quantity")),
                name="order_line_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"

    @property
    def image_url(self) -> str:
        """Set up by shop.selectors.orders (first image annotated, product and category joined)."""
        return self.product.image_url_for(getattr(self, "image_path", None))


class OrderStatusEvent(models.Model):
    """One step of an order's history: from which status to which, when, and who did it."""

    order = models.ForeignKey(Order, verbose_name=_("주문"), related_name="events", on_delete=models.CASCADE)
    previous = models.CharField(_("이전 상태"), max_length=20, choices=OrderStatus, blank=True)
    current = models.CharField(_("바뀐 상태"), max_length=20, choices=OrderStatus)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    # A known note is a code (+ params) rendered in the reader's language (shop.history_notes); `note` is free text.
    note_code = models.CharField(_("메모 코드"), max_length=40, blank=True)
    note_params = models.JSONField(_("메모 값"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리한 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("바뀐 때"), default=timezone.now)

    class Meta:
        verbose_name = _("주문 상태 기록")
        verbose_name_plural = _("주문 상태 기록")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.previous or '-'} → {self.current}"

    @property
    def note_text(self) -> str:
        """The note in the active language (known codes), else the stored free text."""
        code = self.note_code or order_note_encode(self.note)[0]
        params = dict(self.note_params)
        if params.get("carrier") in Carrier.values:
            params["carrier"] = str(Carrier(params["carrier"]).label)
        return note_render(table=ORDER_NOTES, code=code, params=params, fallback=self.note)
