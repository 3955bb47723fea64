"""동네생활 boards: residents' posts per neighbourhood by topic, 공감 and comments."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.base import Moderated
from community.models.neighbourhoods import LocalStore, Neighbourhood


class BoardPost(Moderated):
    class Topic(models.TextChoices):
        RECOMMEND = "recommend", _("동네가게 추천")
        QUESTION = "question", _("질문")
        NEWS = "news", _("소식")
        LOST = "lost", _("분실/실종")
        MEETUP = "meetup", _("모임")

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("동네"), related_name="posts", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), related_name="board_posts", on_delete=models.CASCADE
    )
    topic = models.CharField(_("주제"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("제목"), max_length=80)
    body = models.TextField(_("내용"), max_length=5000)
    local_store = models.ForeignKey(
        LocalStore,
        verbose_name=_("추천하는 가게"),
        related_name="posts",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Denormalised counters, changed only with F() updates by the services, so a list reads no aggregates.
    like_count = models.PositiveIntegerField(_("공감 수"), default=0)
    comment_count = models.PositiveIntegerField(_("댓글 수"), default=0)
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("고친 때"), default=timezone.now)

    class Meta:
        verbose_name = _("동네생활 글")
        verbose_name_plural = _("동네생활 글")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["neighbourhood", "is_hidden", "-created_at"], name="board_post_list"),
            models.Index(fields=["neighbourhood", "topic", "is_hidden", "-created_at"], name="board_post_topic"),
            models.Index(fields=["author", "-created_at"], name="board_post_author"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:post", kwargs={"pk": self.pk})


class BoardComment(Moderated):
    post = models.ForeignKey(BoardPost, verbose_name=_("글"), related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), related_name="board_comments", on_delete=models.CASCADE
    )
    body = models.TextField(_("댓글"), max_length=1000)
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("동네생활 댓글")
        verbose_name_plural = _("동네생활 댓글")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"], name="board_comment_post")]

    def __str__(self) -> str:
        return self.body[:30]

    def get_absolute_url(self) -> str:
        return reverse("community:post", kwargs={"pk": self.post_id}) + f"#comment-{self.pk}"


class BoardPostLike(models.Model):
    """공감: one per reader and post."""

    post = models.ForeignKey(BoardPost, verbose_name=_("글"), related_name="likes", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="board_post_likes", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("공감한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("공감")
        verbose_name_plural = _("공감")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="board_post_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.post_id}"
