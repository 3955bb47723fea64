"""동네생활 boards: residents write posts by topic in their own 동, neighbours comment and 공감."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.feed_messages import BOARD_COMMENT, BOARD_LIKE
from community.models import BoardComment, BoardPost, BoardPostLike, LocalStore, Neighbourhood
from community.services.moderation import is_moderator, rate_check, text_clean, write_check
from community.services.neighbourhoods import resident_check
from config.errors import DomainError
from config.services import model_update
from feed.models import FeedItem
from feed.services import feed_item_create

POST_NOT_YOURS = gettext_noop("내가 쓴 글만 고치거나 지울 수 있어요.")
COMMENT_NOT_YOURS = gettext_noop("내가 쓴 댓글만 지울 수 있어요.")
POST_HIDDEN = gettext_noop("신고가 많아 잠시 숨겨진 글이에요. 운영팀이 확인하고 있어요.")
TOPIC_INVALID = gettext_noop("주제를 골라 주세요.")
STORE_ELSEWHERE = gettext_noop("우리 동네 가게만 추천할 수 있어요.")

TITLE_MAX = 80
BODY_MAX = 5000
COMMENT_MAX = 1000


def _topic_check(topic: str) -> None:
    if topic not in BoardPost.Topic.values:
        raise DomainError(_(TOPIC_INVALID), code="invalid_topic")


def _store_check(local_store: LocalStore | None, neighbourhood: Neighbourhood) -> None:
    if local_store is not None and local_store.neighbourhood_id != neighbourhood.pk:
        raise DomainError(_(STORE_ELSEWHERE), code="store_elsewhere")


def _owner_check(*, obj, user, message: str, staff_may: bool) -> None:
    if user is None or not user.is_authenticated:
        raise DomainError(_(message), code="forbidden", http_status=403)
    if obj.author_id == user.pk or (staff_may and is_moderator(user)):
        return
    raise DomainError(_(message), code="forbidden", http_status=403)


def post_create(
    *,
    author,
    neighbourhood: Neighbourhood,
    topic: str,
    title: str,
    body: str,
    local_store: LocalStore | None = None,
) -> BoardPost:
    """A verified resident of `neighbourhood` writes on its board. Checks, in order: logged in and not suspended,
    resident of that very 동 (403), topic, plain-text title and body, the store belongs to the 동, rate limit (429).
    """
    write_check(user=author)
    resident_check(user=author, neighbourhood=neighbourhood)
    _topic_check(topic)
    _store_check(local_store, neighbourhood)
    now = timezone.now()
    post = BoardPost(
        neighbourhood=neighbourhood,
        author=author,
        topic=topic,
        title=text_clean(title, field=_("제목"), max_length=TITLE_MAX),
        body=text_clean(body, field=_("내용"), max_length=BODY_MAX),
        local_store=local_store if topic == BoardPost.Topic.RECOMMEND else None,
        created_at=now,
        updated_at=now,
    )
    rate_check(user=author, action="post")
    post.full_clean()
    post.save()
    return post


def post_update(
    *, post: BoardPost, user, topic: str, title: str, body: str, local_store: LocalStore | None = None
) -> BoardPost:
    """The author edits their post (nobody else, staff included: moderators hide, they do not rewrite)."""
    _owner_check(obj=post, user=user, message=POST_NOT_YOURS, staff_may=False)
    write_check(user=user)
    _topic_check(topic)
    _store_check(local_store, post.neighbourhood)
    data = {
        "topic": topic,
        "title": text_clean(title, field=_("제목"), max_length=TITLE_MAX),
        "body": text_clean(body, field=_("내용"), max_length=BODY_MAX),
        "local_store": local_store if topic == BoardPost.Topic.RECOMMEND else None,
    }
    post, changed = model_update(instance=post, data=data)
    if changed:
        post.updated_at = timezone.now()
        BoardPost.objects.filter(pk=post.pk).update(updated_at=post.updated_at)
    return post


def post_delete(*, post: BoardPost, user) -> None:
    """The author, or a moderator, deletes a post with its comments and 공감."""
    _owner_check(obj=post, user=user, message=POST_NOT_YOURS, staff_may=True)
    post.delete()


def _notify(*, recipient, actor, code: str, params: dict[str, str], link: str) -> None:
    """Tell the post's author (a feed.messages code), unless they did it themselves."""
    if recipient is None or actor is None or recipient.pk == actor.pk:
        return
    feed_item_create(kind=FeedItem.Kind.COMMUNITY, user=recipient, message_code=code, message_params=params, link=link)


@transaction.atomic
def comment_create(*, post: BoardPost, author, body: str) -> BoardComment:
    """A resident of the post's 동 or one near it comments; the post's count goes up with F() and its author is
    told in the feed (pushed after commit). A hidden post takes no comments."""
    write_check(user=author)
    resident_check(user=author, neighbourhood=post.neighbourhood, nearby=True)
    if post.is_hidden:
        raise DomainError(_(POST_HIDDEN), code="hidden", http_status=409)
    comment = BoardComment(post=post, author=author, body=text_clean(body, field=_("댓글"), max_length=COMMENT_MAX))
    rate_check(user=author, action="comment")
    comment.full_clean()
    comment.save()
    BoardPost.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    _notify(
        recipient=post.author,
        actor=author,
        code=BOARD_COMMENT,
        params={"name": author.display_name, "text": comment.body[:80]},
        link=comment.get_absolute_url(),
    )
    return comment


@transaction.atomic
def comment_delete(*, comment: BoardComment, user) -> None:
    """The comment's author, or a moderator, deletes it; the post's count goes down with F()."""
    _owner_check(obj=comment, user=user, message=COMMENT_NOT_YOURS, staff_may=True)
    post_id = comment.post_id
    deleted, _rows = BoardComment.objects.filter(pk=comment.pk).delete()
    if deleted:
        BoardPost.objects.filter(pk=post_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)


@transaction.atomic
def post_like_toggle(*, post: BoardPost, user) -> tuple[bool, int]:
    """공감 on or off. Returns (liked now, the post's new count). The unique row decides, so a double tap never
    counts twice; the first 공감 of a reader tells the author in the feed."""
    if user is None or not user.is_authenticated:
        write_check(user=user)
    removed, _rows = BoardPostLike.objects.filter(post=post, user=user).delete()
    if removed:
        BoardPost.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
        liked = False
    else:
        try:
            with transaction.atomic():
                BoardPostLike.objects.create(post=post, user=user)
        except IntegrityError:  # a concurrent tap already made it
            liked = True
        else:
            BoardPost.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
            liked = True
            _notify(
                recipient=post.author,
                actor=user,
                code=BOARD_LIKE,
                params={"name": user.display_name, "title": post.title[:40]},
                link=post.get_absolute_url(),
            )
    count = BoardPost.objects.values_list("like_count", flat=True).get(pk=post.pk)
    return liked, count
