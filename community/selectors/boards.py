"""Reads for 동네생활 boards: a board's posts (own 동 or nearby), a post with its comments, a writer's own posts."""

from django.db.models import QuerySet

from community.models import BoardComment, BoardPost, BoardPostLike


def board_posts(*, neighbourhood_ids: list[int], topic: str = "") -> QuerySet[BoardPost]:
    """Visible posts of the given 동, newest first, with author, 동 and recommended store joined in."""
    qs = BoardPost.objects.select_related("author", "neighbourhood", "local_store").filter(
        neighbourhood_id__in=neighbourhood_ids, is_hidden=False
    )
    if topic:
        qs = qs.filter(topic=topic)
    return qs.order_by("-created_at", "-pk")


def board_post_get(*, pk: int) -> BoardPost:
    """One post (hidden ones included: the page decides who may still see it)."""
    return BoardPost.objects.select_related("author", "neighbourhood", "local_store").get(pk=pk)


def board_comments(*, post: BoardPost) -> QuerySet[BoardComment]:
    """The post's comments, oldest first, hidden ones included (shown as a placeholder so the thread reads)."""
    return BoardComment.objects.select_related("author").filter(post=post).order_by("created_at", "pk")


def posts_liked_by(*, user, post_ids: list[int]) -> set[int]:
    if user is None or not user.is_authenticated or not post_ids:
        return set()
    return set(BoardPostLike.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", flat=True))


def posts_by_author(*, user) -> QuerySet[BoardPost]:
    """The writer's own posts, hidden ones included (they see why), newest first."""
    return (
        BoardPost.objects.select_related("author", "neighbourhood", "local_store")
        .filter(author=user)
        .order_by("-created_at", "-pk")
    )
