from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from crm.models import TeamMember
from shop.images import initials_avatar_png


@require_safe
def member_avatar(request: HttpRequest, pk: int) -> HttpResponse:
    """Initials avatar for a team member without a photo, drawn on the fly (a few ms) and cached by browsers."""
    member = TeamMember.objects.select_related("user").filter(pk=pk).first()
    if member is None:
        raise Http404
    response = HttpResponse(
        initials_avatar_png(text=member.display_name, key=member.user.username), content_type="image/png"
    )
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
