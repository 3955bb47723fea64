"""Safe picture uploads for every community post (tour photos, board posts, 체험단 reports).

For other community areas (H7: boards, trial reports), the whole contract is these names:

- `image_store(*, upload, owner) -> CommunityImage`: verify and store one uploaded file. Raises DomainError with
  one of the messages below (show it as a form error / JSON 400): not a picture, over IMAGE_MAX_BYTES, over
  IMAGE_MAX_PIXELS (decompression bombs included), or unreadable. The stored file is re-encoded as JPEG from the
  decoded pixels, so no EXIF (GPS position, camera serial, ...) or other metadata survives; the EXIF orientation is
  applied first so phone photos stand the right way up. Display sizes (DISPLAY_WIDTHS) are made after commit by the
  Celery task `community.image_renditions_make` (inline on the embedded default).
- Point at the row with `models.ForeignKey("community.CommunityImage", on_delete=models.PROTECT, related_name="+")`.
- Render with `{% include "community/partials/_image.html" with image=obj.image alt=... sizes="..." %}`: an <img>
  with src, srcset of every display size, width/height (no layout shift) and lazy loading. In Python:
  `image.src`, `image.thumb`, `image.srcset`, `image.url_for(width)`.

Limits come from settings (COMMUNITY_IMAGE_MAX_BYTES, COMMUNITY_IMAGE_MAX_PIXELS) with the defaults below. The pixel
cap is checked on the header before any pixel is decoded, so a tiny file that claims 50,000 x 50,000 px costs
nothing. Originals wider or taller than ORIGINAL_MAX_SIDE are scaled down when stored.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from community.models import CommunityImage
from community.services.page_versions import image_renditions_ready
from config.errors import DomainError

IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
ORIGINAL_MAX_SIDE = 2560
DISPLAY_WIDTHS = (480, 960, 1440)
JPEG_QUALITY = 86
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}  # MPO: what many phones' JPEGs are to Pillow

IMAGE_NOT_A_PICTURE = gettext_noop("사진 파일만 올릴 수 있어요. JPG, PNG, WEBP 파일로 다시 골라 주세요.")
IMAGE_TOO_LARGE = gettext_noop("사진은 한 장에 {max_mb}MB까지 올릴 수 있어요. 조금 작게 줄여서 올려 주세요.")
IMAGE_TOO_MANY_PIXELS = gettext_noop(
    "사진 크기가 너무 커요. {max_mp:,}만 화소 이하(예: 6000×4000)로 줄여서 다시 올려 주세요."
)
IMAGE_UNREADABLE = gettext_noop("사진을 읽을 수 없어요. 파일이 손상됐을 수 있으니 다른 사진으로 올려 주세요.")
IMAGE_EMPTY = gettext_noop("사진을 골라 주세요.")


def max_bytes() -> int:
    return int(getattr(settings, "COMMUNITY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "COMMUNITY_IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS))


@dataclass(frozen=True)
class CleanImage:
    """A verified picture, re-encoded: JPEG bytes without metadata, and its size in pixels."""

    data: bytes
    width: int
    height: int


def _too_large() -> DomainError:
    return DomainError(_(IMAGE_TOO_LARGE).format(max_mb=max_bytes() // (1024 * 1024)), code="image_too_large")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency goes onto white, palettes and greyscale+alpha are expanded."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    # Nothing from the upload's info (exif, xmp, comments, icc) is passed on: only pixels are written.
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def image_verify(*, upload: Any) -> CleanImage:
    """Check one uploaded file (a Django UploadedFile or any file-like object) and re-encode it.

    Raises DomainError for: nothing chosen, more than max_bytes(), not a picture in ALLOWED_FORMATS, more than
    max_pixels() (checked from the header, before decoding), or a file Pillow cannot decode.
    """
    if upload is None:
        raise DomainError(_(IMAGE_EMPTY), code="image_missing")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(max_bytes() + 1)
    if not raw:
        raise DomainError(_(IMAGE_EMPTY), code="image_missing")
    if len(raw) > max_bytes():
        raise _too_large()
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns (then raises) past its limit; ours is lower and checked first.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format
                width, height = probe.size
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            if isinstance(exc, UnidentifiedImageError):
                raise DomainError(_(IMAGE_NOT_A_PICTURE), code="image_invalid") from exc
            raise _too_many_pixels() from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise DomainError(_(IMAGE_NOT_A_PICTURE), code="image_invalid") from exc
        if fmt not in ALLOWED_FORMATS:
            raise DomainError(_(IMAGE_NOT_A_PICTURE), code="image_invalid")
        if width < 1 or height < 1 or width * height > max_pixels():
            raise _too_many_pixels()
        try:
            with Image.open(io.BytesIO(raw)) as image:
                if fmt in ("JPEG", "MPO"):
                    image.draft("RGB", (ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE))  # decode big JPEGs at a smaller scale
                image.seek(0)  # the first frame of an animation
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                rgb = _flatten(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise DomainError(_(IMAGE_UNREADABLE), code="image_unreadable") from exc
    if max(rgb.size) > ORIGINAL_MAX_SIDE:
        rgb = rgb.copy()
        rgb.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    return CleanImage(data=_jpeg(rgb), width=rgb.width, height=rgb.height)


def _too_many_pixels() -> DomainError:
    return DomainError(_(IMAGE_TOO_MANY_PIXELS).format(max_mp=max_pixels() // 10_000), code="image_too_many_pixels")


def _folder() -> str:
    now = timezone.now()
    return f"community/{now:%Y/%m}/{uuid.uuid4().hex}"


def image_store(*, upload: Any, owner: Any = None) -> CommunityImage:
    """Verify, re-encode and store one upload; the display sizes are made after commit by a Celery task.

    Raises DomainError (see image_verify). Writes the file before the row: if the transaction rolls back, the file
    is orphaned (harmless) rather than the row pointing at nothing.
    """
    clean = image_verify(upload=upload)
    path = default_storage.save(f"{_folder()}/original.jpg", ContentFile(clean.data))
    image = CommunityImage(owner=owner, file=path, width=clean.width, height=clean.height)
    image.full_clean(exclude=["owner"])
    image.save()
    from community.tasks import image_renditions_make_task

    transaction.on_commit(partial(image_renditions_make_task.delay, image_id=image.pk))
    return image


def image_store_bytes(*, data: bytes, owner: Any = None) -> CommunityImage:
    """image_store() for pictures the project draws itself (demo data)."""
    return image_store(upload=io.BytesIO(data), owner=owner)


def image_renditions_make(*, image_id: int) -> CommunityImage | None:
    """Make the display sizes (DISPLAY_WIDTHS narrower than the original) of one stored image.

    Safe to run twice: each size is written to the same path again and the row's map replaced. Returns None when
    the image is gone.
    """
    image = CommunityImage.objects.filter(pk=image_id).first()
    if image is None:
        return None
    folder = image.file.name.rsplit("/", 1)[0]
    with default_storage.open(image.file.name, "rb") as handle, Image.open(handle) as original:
        original.load()
        renditions: dict[str, str] = {}
        for width in DISPLAY_WIDTHS:
            if width >= original.width:
                continue
            height = max(1, round(original.height * width / original.width))
            resized = original.resize((width, height), Image.Resampling.LANCZOS)
            path = f"{folder}/w{width}.jpg"
            if default_storage.exists(path):
                default_storage.delete(path)
            renditions[str(width)] = default_storage.save(path, ContentFile(_jpeg(resized, quality=82)))
    CommunityImage.objects.filter(pk=image.pk).update(renditions=renditions)
    image.renditions = renditions
    image_renditions_ready(image_id=image.pk)
    return image
