"""Community pictures (tour photos, board posts, 체험단 reports) through the shared pipeline in uploads.images.

The whole contract for community areas:

- `image_store(*, upload, owner) -> CommunityImage`: verify one uploaded file and store it as it came (see
  uploads.images.image_check for the DomainError messages: show them as a form error / JSON 400). After commit the
  Celery task `community.image_renditions_make` re-encodes it without metadata (EXIF, GPS, ...), upright, and makes
  the display sizes; until then the row is not ready and every URL is a neutral placeholder.
- Point at the row with `models.ForeignKey("community.CommunityImage", on_delete=models.PROTECT, related_name="+")`.
- Render with `{% include "community/partials/_image.html" with image=obj.image alt=... sizes="..." %}`: an <img>
  with src, srcset of every display size, width/height (no layout shift) and lazy loading. In Python:
  `image.src`, `image.thumb`, `image.srcset`, `image.url_for(width)`.

Limits come from settings (COMMUNITY_IMAGE_MAX_BYTES, COMMUNITY_IMAGE_MAX_PIXELS).
"""

from __future__ import annotations

import io
import logging
from functools import partial
from typing import Any

from django.db import transaction

from community.models import CommunityImage
from community.services.page_versions import image_renditions_ready
from uploads.images import (
    DISPLAY_WIDTHS,
    IMAGE_EMPTY,
    IMAGE_NOT_A_PICTURE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_UNREADABLE,
    ImageUndecodable,
    image_check,
    image_discard,
    image_stash,
    image_variants_make,
)

__all__ = [
    "DISPLAY_WIDTHS",
    "IMAGE_EMPTY",
    "IMAGE_NOT_A_PICTURE",
    "IMAGE_TOO_LARGE",
    "IMAGE_TOO_MANY_PIXELS",
    "IMAGE_UNREADABLE",
    "image_renditions_make",
    "image_store",
    "image_store_bytes",
    "image_upload_discard",
]

logger = logging.getLogger(__name__)


def image_store(*, upload: Any, owner: Any = None) -> CommunityImage:
    """Verify and store one upload; it is cleaned and resized after commit by a Celery task.

    Raises DomainError (see uploads.images.image_check). Writes the file before the row: if the transaction rolls
    back, the file is orphaned (harmless) rather than the row pointing at nothing.
    """
    checked = image_check(upload=upload)
    path = image_stash(checked=checked, prefix="community")
    image = CommunityImage(owner=owner, file=path, width=checked.width, height=checked.height, is_ready=False)
    image.full_clean(exclude=["owner"])
    image.save()
    from community.tasks import image_renditions_make_task

    transaction.on_commit(partial(image_renditions_make_task.delay, image_id=image.pk))
    return image


def image_upload_discard(*, image: CommunityImage) -> None:
    """Delete the stored upload of an image whose row was rolled back with what it came with (a refused chat
    message), so the picture does not stay on disk with its EXIF. Only for an image whose renditions task never
    ran: the caller stored it inside the transaction that rolled back, so the task was never queued."""
    image_discard(source=image.file.name)


def image_store_bytes(*, data: bytes, owner: Any = None) -> CommunityImage:
    """image_store() for pictures the project draws itself (demo data)."""
    return image_store(upload=io.BytesIO(data), owner=owner)


def image_renditions_make(*, image_id: int) -> CommunityImage | None:
    """Clean the stored upload of one image and make its display sizes; the row becomes ready.

    Safe to run twice (a ready row is left as it is). Returns None when the image is gone or its pixels cannot be
    decoded (the upload is then deleted and the row stays on the placeholder).
    """
    image = CommunityImage.objects.filter(pk=image_id).first()
    if image is None or image.is_ready:
        return image
    try:
        variants = image_variants_make(source=image.file.name)
    except ImageUndecodable:
        logger.warning("community image %s could not be decoded; upload discarded", image_id)
        image_discard(source=image.file.name)
        return None
    fields = {
        "file": variants.original,
        "width": variants.width,
        "height": variants.height,
        "renditions": variants.renditions,
        "is_ready": True,
    }
    CommunityImage.objects.filter(pk=image.pk).update(**fields)
    for name, value in fields.items():
        setattr(image, name, value)
    image_renditions_ready(image_id=image.pk)
    return image
