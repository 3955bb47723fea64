"""Feed: greetings, tracked behaviour, nudge rules, feed items and their measurement.

A *recipient* is either a logged-in user or an anonymous visitor (a first-party cookie uuid). Rows that
belong to a recipient carry `visitor_id` always (the browser) and `user` when known; anonymous rows are
merged into the user on log-in (services.visitor_merge).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeSlot(models.Model):
    """A named range of Seoul hours. `end_hour` is exclusive; a range that ends before it starts wraps midnight."""

    key = models.SlugField(_("키"), max_length=20, unique=True)
    name = models.CharField(_("이름"), max_length=20)
    start_hour = models.PositiveSmallIntegerField(_("시작 시각"), validators=[MaxValueValidator(23)])
    end_hour = models.PositiveSmallIntegerField(
        _("끝 시각(포함 안 함)"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )

    class Meta:
        verbose_name = _("시간대")
        verbose_name_plural = _("시간대")
        ordering = ["start_hour"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_hour}~{self.end_hour}시)"

    def contains(self, hour: int) -> bool:
        if self.start_hour < self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour


class Greeting(models.Model):
    """An admin-written greeting shown at the top of every page when its conditions hold."""

    class DayKind(models.TextChoices):
        ANY = "any", _("매일")
        WEEKDAY = "weekday", _("평일")
        WEEKEND = "weekend", _("주말")

    name = models.CharField(_("관리용 이름"), max_length=60)
    template = models.CharField(
        _("인사말"),
        max_length=200,
        help_text=_("{nickname}, {days_together}, {shop} 를 쓸 수 있어요. 예: {nickname}님, 오늘 하루도 수고했어요"),
    )
    time_slots = models.ManyToManyField(
        TimeSlot, verbose_name=_("시간대"), blank=True, help_text=_("비워 두면 하루 종일이에요.")
    )
    day_kind = models.CharField(_("요일"), max_length=10, choices=DayKind.choices, default=DayKind.ANY)
    audience = models.CharField(_("대상"), max_length=40, default="everyone")
    audience_days = models.PositiveSmallIntegerField(
        _("대상 기준 일수"), null=True, blank=True, help_text=_("'오랜만에 방문' 대상에서 며칠 만인지예요.")
    )
    priority = models.IntegerField(_("우선순위"), default=0, help_text=_("숫자가 클수록 먼저 보여요."))
    starts_on = models.DateField(_("시작일"), null=True, blank=True)
    ends_on = models.DateField(_("종료일"), null=True, blank=True)
    is_active = models.BooleanField(_("사용 중"), default=True)
    benefit = models.ForeignKey(
        "shop.CouponRule",
        verbose_name=_("혜택 쿠폰"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    benefit_control_percent = models.PositiveSmallIntegerField(
        _("혜택 대조군 비율(%)"), default=0, validators=[MaxValueValidator(90)]
    )
    photo = models.ImageField(_("MD 사진"), upload_to="greetings/", blank=True)

    class Meta:
        verbose_name = _("인사말")
        verbose_name_plural = _("인사말")
        ordering = ["-priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from feed import audiences

        if not audiences.is_registered(self.audience):
            raise ValidationError({"audience": _("알 수 없는 대상이에요.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("종료일은 시작일보다 뒤여야 해요.")})


class Visitor(models.Model):
    """One browser (first-party cookie). Rule checks for a visitor are serialized on this row's lock."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        related_name="visitors",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    first_seen = models.DateTimeField(_("처음 방문"), default=timezone.now)
    last_seen = models.DateTimeField(_("마지막 방문"), default=timezone.now)
    previous_seen = models.DateTimeField(_("지난 방문"), null=True, blank=True)

    class Meta:
        verbose_name = _("방문자")
        verbose_name_plural = _("방문자")

    def __str__(self) -> str:
        return str(self.id)


class TrackedEvent(models.Model):
    class Type(models.TextChoices):
        PAGE_VIEW = "page_view", _("페이지 보기")
        CATEGORY_VIEW = "category_view", _("카테고리 보기")
        PRODUCT_VIEW = "product_view", _("상품 보기")
        STORE_VIEW = "store_view", _("가게 보기")
        DWELL = "dwell", _("머문 시간")
        SEARCH = "search", _("검색")
        CART_ADD = "cart_add", _("장바구니 담기")
        CART_REMOVE = "cart_remove", _("장바구니 빼기")
        CHECKOUT_START = "checkout_start", _("주문 시작")

    visitor_id = models.UUIDField(_("방문자"), db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
    )
    type = models.CharField(_("종류"), max_length=20, choices=Type.choices)
    path = models.CharField(_("경로"), max_length=300, blank=True)
    category_id = models.BigIntegerField(_("카테고리"), null=True, blank=True)
    product_id = models.BigIntegerField(_("상품"), null=True, blank=True)
    store_id = models.BigIntegerField(_("가게"), null=True, blank=True)
    query = models.CharField(_("검색어"), max_length=100, blank=True)
    dwell_seconds = models.PositiveIntegerField(_("머문 초"), default=0)
    utm_source = models.CharField(_("유입 경로(utm_source)"), max_length=50, blank=True)
    referrer = models.CharField(_("리퍼러"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("발생 시각"))
    received_at = models.DateTimeField(_("수신 시각"), default=timezone.now)

    class Meta:
        verbose_name = _("행동 기록")
        verbose_name_plural = _("행동 기록")
        indexes = [
            models.Index(fields=["visitor_id", "occurred_at"], name="event_visitor_time"),
            models.Index(fields=["type", "occurred_at"], name="event_type_time"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyActivity(models.Model):
    """One customer's behaviour on one Seoul day: a row per category they looked at, plus one whole-day totals row
    (category_id = ALL_CATEGORIES, i.e. 0: category ids are positive, and a NULL would not be unique on SQLite).

    Built set-based from TrackedEvent by services.rollups.activity_rollup (only events with a user). Raw events
    expire after FEED_EVENT_RETENTION_DAYS; these rows stay for the life of the account (deleted with the user).
    Per-category rows count the category's own page and the product pages in it, and the dwell measured there.
    `updated_at` changes only when a rollup changed the row's figures, so crm's incremental run can ask "whose
    behaviour changed since my last run".
    """

    ALL_CATEGORIES = 0

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="+", on_delete=models.CASCADE
    )
    day = models.DateField(_("날짜(서울)"))
    category_id = models.BigIntegerField(
        _("카테고리"), default=ALL_CATEGORIES, help_text=_("0이면 하루 전체 합계예요.")
    )
    page_views = models.PositiveIntegerField(_("페이지 보기"), default=0)
    category_views = models.PositiveIntegerField(_("카테고리 보기"), default=0)
    product_views = models.PositiveIntegerField(_("상품 보기"), default=0)
    searches = models.PositiveIntegerField(_("검색"), default=0)
    cart_adds = models.PositiveIntegerField(_("장바구니 담기"), default=0)
    dwell_seconds = models.PositiveIntegerField(_("머문 초"), default=0)
    last_seen_at = models.DateTimeField(_("마지막 행동"))
    updated_at = models.DateTimeField(_("집계 바뀐 때"))

    class Meta:
        verbose_name = _("하루 행동 요약")
        verbose_name_plural = _("하루 행동 요약")
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "category_id"], name="dailyactivity_user_day_category")
        ]
        indexes = [
            models.Index(fields=["category_id", "day"], name="dailyactivity_category_day"),
            models.Index(fields=["updated_at"], name="dailyactivity_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} #{self.category_id}"


class NudgeRule(models.Model):
    """When a visitor's recent behaviour matches, say something helpful (optionally with a coupon)."""

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("누구나")
        MEMBERS = "members", _("회원만")
        ANONYMOUS = "anonymous", _("비회원만")

    class Tenure(models.TextChoices):
        ANY = "any", _("모두")
        NEW = "new", _("첫 방문 7일 이내")
        RETURNING = "returning", _("다시 온 분")

    name = models.CharField(_("규칙 이름"), max_length=60)
    is_active = models.BooleanField(_("사용 중"), default=True)
    priority = models.IntegerField(_("우선순위"), default=0, help_text=_("여러 규칙이 맞으면 큰 숫자가 이겨요."))
    starts_at = models.DateTimeField(_("시작"), null=True, blank=True)
    ends_at = models.DateTimeField(_("종료"), null=True, blank=True)
    # Trigger
    event_type = models.CharField(_("행동"), max_length=20, choices=TrackedEvent.Type.choices)
    category = models.ForeignKey(
        "shop.Category", verbose_name=_("카테고리"), related_name="+", on_delete=models.CASCADE, null=True, blank=True
    )
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="+", on_delete=models.CASCADE, null=True, blank=True
    )
    search_term = models.CharField(_("검색어 포함"), max_length=50, blank=True)
    utm_source = models.CharField(_("유입 경로(utm_source)"), max_length=50, blank=True)
    min_count = models.PositiveSmallIntegerField(_("최소 횟수"), default=1, validators=[MinValueValidator(1)])
    window_minutes = models.PositiveSmallIntegerField(
        _("기간(분)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    min_dwell_seconds = models.PositiveIntegerField(_("최소 머문 시간(초)"), default=0)
    # Audience
    audience = models.CharField(_("대상"), max_length=10, choices=Audience.choices, default=Audience.ANYONE)
    tenure = models.CharField(_("방문 이력"), max_length=10, choices=Tenure.choices, default=Tenure.ANY)
    # Action
    title = models.CharField(_("제목"), max_length=60)
    message = models.CharField(_("메시지"), max_length=300, help_text=_("{nickname} 을 쓸 수 있어요."))
    link = models.CharField(_("링크"), max_length=300, blank=True)
    coupon_rule = models.ForeignKey(
        "shop.CouponRule",
        verbose_name=_("바로 드릴 쿠폰"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_promotional = models.BooleanField(_("광고성 메시지"), default=True)
    cooldown_minutes = models.PositiveIntegerField(_("다시 보내기까지(분)"), default=24 * 60)
    control_percent = models.PositiveSmallIntegerField(
        _("대조군 비율(%)"), default=0, validators=[MaxValueValidator(90)]
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("넛지 규칙")
        verbose_name_plural = _("넛지 규칙")
        ordering = ["-priority", "pk"]
        constraints = [models.CheckConstraint(condition=Q(cooldown_minutes__gte=1), name="nudge_cooldown_positive")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.event_type == TrackedEvent.Type.SEARCH and not self.search_term:
            raise ValidationError({"search_term": _("검색 규칙에는 검색어를 적어 주세요.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("종료는 시작보다 뒤여야 해요.")})


class FeedItem(models.Model):
    class Kind(models.TextChoices):
        GREETING = "greeting", _("인사")
        NUDGE = "nudge", _("맞춤 제안")
        BENEFIT = "benefit", _("혜택")
        SUBSCRIPTION_REMINDER = "subscription_reminder", _("정기배송 알림")
        MD_MESSAGE = "md_message", _("MD 메시지")
        CAMPAIGN = "campaign", _("캠페인")
        COMMUNITY = "community", _("커뮤니티")  # community's notifications: likes, comments, follows, answers
        NOTICE = "notice", _("안내")  # service notices, e.g. the two-yearly marketing-consent reminder

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        related_name="feed_items",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    visitor_id = models.UUIDField(_("방문자"), null=True, blank=True)
    kind = models.CharField(_("종류"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("제목"), max_length=80)
    body = models.CharField(_("내용"), max_length=400, blank=True)
    # A message the system composed is a code (+ params) rendered in the reader's language (feed.messages); title
    # and body then hold its text in the default language. Without a code they are people's words, shown as is.
    message_code = models.CharField(_("메시지 코드"), max_length=40, blank=True)
    message_params = models.JSONField(_("메시지 값"), default=dict, blank=True)
    link = models.CharField(_("링크"), max_length=300, blank=True)
    coupon = models.ForeignKey(
        "shop.IssuedCoupon",
        verbose_name=_("받은 쿠폰"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    claimable_rule = models.ForeignKey(
        "shop.CouponRule",
        verbose_name=_("받을 수 있는 쿠폰"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_promotional = models.BooleanField(_("광고"), default=False)
    exposure = models.ForeignKey(
        "feed.Exposure", verbose_name=_("노출 기록"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    # An opaque reference of the higher app that sent the item in bulk ("campaign:12"); feed only groups by it.
    source = models.CharField(_("보낸 곳"), max_length=40, blank=True)
    read_at = models.DateTimeField(_("읽은 때"), null=True, blank=True)
    shown_at = models.DateTimeField(_("처음 보여 준 때"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("처음 누른 때"), null=True, blank=True)
    expires_at = models.DateTimeField(_("만료"), null=True, blank=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("피드 항목")
        verbose_name_plural = _("피드 항목")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="feeditem_user_recent"),
            models.Index(fields=["visitor_id", "-created_at"], name="feeditem_visitor_recent"),
            models.Index(fields=["source"], condition=~Q(source=""), name="feeditem_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(visitor_id__isnull=False), name="feeditem_has_recipient"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title_text(self) -> str:
        """The title in the active language (a coded message), else the stored text."""
        from feed.messages import message_text

        return message_text(code=self.message_code, params=self.message_params, part="title", fallback=self.title)

    @property
    def body_text(self) -> str:
        """The body in the active language (a coded message), else the stored text."""
        from feed.messages import message_text

        return message_text(code=self.message_code, params=self.message_params, part="body", fallback=self.body)


class Exposure(models.Model):
    """One decision to show a nudge (or a greeting benefit) to one visitor, and what followed.

    Control-group exposures are recorded but never shown. The unique constraints make firing exactly-once:
    a rule fires at most once per visitor per cooldown bucket, a greeting benefit once per visitor per day.
    """

    rule = models.ForeignKey(
        NudgeRule,
        verbose_name=_("넛지 규칙"),
        related_name="exposures",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    greeting = models.ForeignKey(
        Greeting, verbose_name=_("인사말"), related_name="exposures", on_delete=models.CASCADE, null=True, blank=True
    )
    visitor_id = models.UUIDField(_("방문자"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    bucket = models.BigIntegerField(_("구간"))
    is_control = models.BooleanField(_("대조군"), default=False)
    fired_at = models.DateTimeField(_("발생"), default=timezone.now)
    shown_at = models.DateTimeField(_("보여 줌"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("누름"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("쿠폰 받음"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("주문"), null=True, blank=True)
    order_ref = models.CharField(_("주문 번호"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("노출 기록")
        verbose_name_plural = _("노출 기록")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "visitor_id", "bucket"], condition=Q(rule__isnull=False), name="exposure_rule_once"
            ),
            models.UniqueConstraint(
                fields=["greeting", "visitor_id", "bucket"],
                condition=Q(greeting__isnull=False),
                name="exposure_greeting_once",
            ),
            models.CheckConstraint(
                condition=Q(rule__isnull=False, greeting__isnull=True) | Q(rule__isnull=True, greeting__isnull=False),
                name="exposure_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["visitor_id", "fired_at"], name="exposure_visitor_time"),
            models.Index(fields=["user", "fired_at"], name="exposure_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.rule or self.greeting} → {self.visitor_id}"
