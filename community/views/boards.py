"""동네생활 pages: choose or verify a 동, read a board (own 동 or nearby too), write, comment, 공감, local stores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from community.forms import CommentForm, LocalStoreForm, PostForm, StoreReviewForm
from community.models import BoardComment, BoardPost, LocalStore, LocalStoreReview, Neighbourhood
from community.selectors.boards import (
    board_comments,
    board_post_get,
    board_posts,
    posts_by_author,
    posts_liked_by,
)
from community.selectors.moderation import content_author_id
from community.selectors.neighbourhoods import (
    local_store_get,
    local_store_list,
    local_store_reviews,
    neighbourhood_get,
    neighbourhood_list,
    neighbourhoods_nearby,
    residency_for,
    verify_radius_m,
)
from community.services.boards import (
    comment_create,
    comment_delete,
    post_create,
    post_delete,
    post_like_toggle,
    post_update,
)
from community.services.moderation import is_moderator
from community.services.neighbourhoods import (
    local_store_create,
    local_store_review_save,
    residency_forget,
    residency_verify,
)
from config.errors import DomainError

POSTS_PER_PAGE = 20
STORES_PER_PAGE = 30


def _neighbourhood_or_404(slug: str) -> Neighbourhood:
    try:
        return neighbourhood_get(slug=slug)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("찾을 수 없는 동네예요.")) from None


def _post_or_404(pk: int) -> BoardPost:
    try:
        return board_post_get(pk=pk)
    except BoardPost.DoesNotExist:
        raise Http404(_("지워졌거나 찾을 수 없는 글이에요.")) from None


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else fallback


@require_safe
def board_home(request: HttpRequest) -> HttpResponse:
    """Your own board when verified; otherwise the list of 동 to read, with the way to verify."""
    residency = residency_for(user=request.user)
    if residency is not None and "choose" not in request.GET:
        return redirect(residency.neighbourhood.get_absolute_url())
    districts: dict[str, list[Neighbourhood]] = {}
    for n in neighbourhood_list():
        districts.setdefault(n.district, []).append(n)
    return render(request, "community/boards/home.html", {"districts": districts, "residency": residency})


@require_safe
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """A 동's board, by topic; `?near=1` adds the 동 nearby. Anyone may read; verified residents write."""
    neighbourhood = _neighbourhood_or_404(slug)
    residency = residency_for(user=request.user)
    nearby = neighbourhoods_nearby(neighbourhood=neighbourhood)
    include_nearby = request.GET.get("near") == "1"
    ids = [n.neighbourhood.pk for n in nearby] if include_nearby else [neighbourhood.pk]
    topic = request.GET.get("topic", "")
    if topic not in BoardPost.Topic.values:
        topic = ""
    page = Paginator(board_posts(neighbourhood_ids=ids, topic=topic), POSTS_PER_PAGE).get_page(request.GET.get("page"))
    posts = list(page.object_list)
    context = {
        "neighbourhood": neighbourhood,
        "residency": residency,
        "is_resident": residency is not None and residency.neighbourhood_id == neighbourhood.pk,
        "nearby": nearby,
        "include_nearby": include_nearby,
        "topic": topic,
        "topics": BoardPost.Topic.choices,
        "page": page,
        "posts": posts,
        "liked_ids": posts_liked_by(user=request.user, post_ids=[p.pk for p in posts]),
    }
    template = "community/boards/board.html#post-list" if request.htmx else "community/boards/board.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """동네 인증: locate.js posts the browser's latitude/longitude (JSON answer); the server keeps only the 동."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("로그인하면 동네 인증을 할 수 있어요.")}, status=401)
        if request.POST.get("forget"):
            residency_forget(user=request.user)
            messages.success(request, _("동네 인증을 지웠어요."))
            return redirect("community:boards")
        chosen = None
        if request.POST.get("neighbourhood"):
            chosen = Neighbourhood.objects.filter(slug=request.POST["neighbourhood"]).first()
        try:
            residency = residency_verify(
                user=request.user,
                latitude=request.POST.get("latitude"),
                longitude=request.POST.get("longitude"),
                neighbourhood=chosen,
            )
        except DomainError as exc:
            return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.http_status)
        n = residency.neighbourhood
        return JsonResponse(
            {
                "detail": _("%(name)s 주민으로 인증됐어요. 반가워요, 이웃님!") % {"name": n.name},
                "neighbourhood": n.slug,
                "redirect": n.get_absolute_url(),
            }
        )
    return render(
        request,
        "community/boards/verify.html",
        {
            "residency": residency_for(user=request.user),
            "neighbourhoods": neighbourhood_list(),
            "radius_km": f"{verify_radius_m() / 1000:.1f}".rstrip("0").rstrip("."),
            "preselect": request.GET.get("n", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood_or_404(slug)
    residency = residency_for(user=request.user)
    if residency is None or residency.neighbourhood_id != neighbourhood.pk:
        messages.info(request, _("%(name)s 주민 인증을 하면 글을 쓸 수 있어요.") % {"name": neighbourhood.name})
        return redirect(reverse("community:verify") + f"?n={neighbourhood.slug}")
    form = PostForm(request.POST or None, neighbourhood=neighbourhood, initial={"topic": request.GET.get("topic")})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            post = post_create(author=request.user, neighbourhood=neighbourhood, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("글을 올렸어요. 이웃들의 이야기를 기다려 봐요."))
            return redirect(post.get_absolute_url())
    elif request.method == "POST":
        status = 400
    context = {"form": form, "neighbourhood": neighbourhood, "editing": None}
    return render(request, "community/boards/post_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(pk)
    if post.author_id != request.user.pk:
        return render(
            request,
            "community/boards/forbidden.html",
            {"message": _("내가 쓴 글만 고칠 수 있어요.")},
            status=403,
        )
    initial = {"topic": post.topic, "title": post.title, "body": post.body, "local_store": post.local_store_id}
    form = PostForm(request.POST or None, neighbourhood=post.neighbourhood, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            post_update(post=post, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("글을 고쳤어요."))
            return redirect(post.get_absolute_url())
    elif request.method == "POST":
        status = 400
    context = {"form": form, "neighbourhood": post.neighbourhood, "editing": post}
    return render(request, "community/boards/post_form.html", context, status=status)


@login_required
@require_POST
def post_remove(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(pk)
    try:
        post_delete(post=post, user=request.user)
    except DomainError as exc:
        return render(request, "community/boards/forbidden.html", {"message": exc.message}, status=exc.http_status)
    messages.success(request, _("글을 지웠어요."))
    return redirect(post.neighbourhood.get_absolute_url())


@require_safe
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(pk)
    viewer = request.user
    can_see_hidden = viewer.is_authenticated and (viewer.pk == post.author_id or is_moderator(viewer))
    if post.is_hidden and not can_see_hidden:
        return render(
            request,
            "community/boards/forbidden.html",
            {"message": _("신고가 많아 잠시 숨겨진 글이에요. 운영팀이 확인하고 있어요."), "back": post.neighbourhood},
            status=404,
        )
    residency = residency_for(user=viewer)
    context = {
        "post": post,
        "comments": list(board_comments(post=post)),
        "comment_form": CommentForm(),
        "residency": residency,
        "liked": bool(posts_liked_by(user=viewer, post_ids=[post.pk])),
        "is_author": viewer.is_authenticated and viewer.pk == post.author_id,
        "is_moderator": is_moderator(viewer),
    }
    return render(request, "community/boards/post_detail.html", context)


@login_required
@require_POST
def post_like(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(pk)
    if post.is_hidden:
        raise Http404
    liked, count = post_like_toggle(post=post, user=request.user)
    if request.htmx:
        response = render(
            request,
            "community/boards/post_detail.html#like-button",
            {"post": post, "liked": liked, "like_count": count},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    return redirect(_back(request, post.get_absolute_url()))


@login_required
@require_POST
def comment_new(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("댓글 내용을 적어 주세요."))
        return redirect(post.get_absolute_url() + "#comments")
    try:
        comment = comment_create(post=post, author=request.user, body=form.cleaned_data["body"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(post.get_absolute_url() + "#comments")
    return redirect(comment.get_absolute_url())


@login_required
@require_POST
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment = BoardComment.objects.select_related("post").filter(pk=pk).first()
    if comment is None:
        raise Http404
    try:
        comment_delete(comment=comment, user=request.user)
    except DomainError as exc:
        return render(request, "community/boards/forbidden.html", {"message": exc.message}, status=exc.http_status)
    messages.success(request, _("댓글을 지웠어요."))
    return redirect(comment.post.get_absolute_url() + "#comments")


@login_required
@require_safe
def my_posts(request: HttpRequest) -> HttpResponse:
    page = Paginator(posts_by_author(user=request.user), POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/boards/my_posts.html", {"page": page, "posts": list(page.object_list)})


# --- local stores ---


@require_safe
def local_stores(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood_or_404(slug)
    kind = request.GET.get("kind", "")
    if kind not in LocalStore.Kind.values:
        kind = ""
    page = Paginator(local_store_list(neighbourhood_ids=[neighbourhood.pk], kind=kind), STORES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    residency = residency_for(user=request.user)
    context = {
        "neighbourhood": neighbourhood,
        "kind": kind,
        "kinds": LocalStore.Kind.choices,
        "page": page,
        "stores": list(page.object_list),
        "is_resident": residency is not None and residency.neighbourhood_id == neighbourhood.pk,
    }
    return render(request, "community/boards/local_stores.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def local_store_new(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood_or_404(slug)
    form = LocalStoreForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            store = local_store_create(user=request.user, neighbourhood=neighbourhood, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("가게를 등록했어요. 첫 후기를 남겨 볼까요?"))
            return redirect(store.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(
        request, "community/boards/local_store_form.html", {"form": form, "neighbourhood": neighbourhood}, status=status
    )


@require_http_methods(["GET", "POST"])
def local_store_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        store = local_store_get(pk=pk)
    except LocalStore.DoesNotExist:
        raise Http404(_("찾을 수 없는 가게예요.")) from None
    if store.is_hidden and not is_moderator(request.user):
        raise Http404(_("찾을 수 없는 가게예요."))
    mine = (
        LocalStoreReview.objects.filter(store=store, author=request.user).first()
        if request.user.is_authenticated
        else None
    )
    initial = {"rating": mine.rating, "body": mine.body} if mine else None
    form = StoreReviewForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={store.get_absolute_url()}")
        if form.is_valid():
            try:
                local_store_review_save(user=request.user, store=store, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("후기를 남겼어요. 고마워요!"))
                return redirect(store.get_absolute_url())
        else:
            status = 400
    reviews = list(local_store_reviews(store=store)[:50])
    context = {
        "store": store,
        "reviews": reviews,
        "form": form,
        "residency": residency_for(user=request.user),
        "posts": list(board_posts(neighbourhood_ids=[store.neighbourhood_id]).filter(local_store=store)[:5]),
        "my_review": mine,
        "owner_id": content_author_id(store),
    }
    return render(request, "community/boards/local_store_detail.html", context, status=status)
