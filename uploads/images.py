"""The one image pipeline for every upload: review photos (shop), 집들이, 동네생활 and 체험단 pictures (community).

In the request (cheap, so a bad file is a form error and never a 500):
- `image_check(upload=...)` reads at most max_bytes()+1 bytes and asks Pillow what the content is (the file name
  and the browser's content type are ignored), refuses anything outside ALLOWED_FORMATS, more than max_pixels()
  (read from the header before any pixel is decoded: decompression bombs cost nothing), or failing Pillow's
  `verify()` or a cheap decode (JPEGs at 1/8 scale). Raises DomainError with one of the messages below.
- `image_stash(checked=..., prefix=...)` stores the bytes as they came under a fresh folder, as `upload.<ext>`. That
  file still carries its EXIF (GPS!) and is never shown: models mixing in `ResponsiveImage` answer a neutral
  placeholder until their variants are ready.

After commit, in the owning app's Celery task (inline on the embedded default):
- `image_variants_make(source=...)` decodes, turns the picture upright (EXIF orientation), flattens transparency,
  and writes pixels only (no EXIF, XMP, ICC or comments) as `original.jpg` (at most ORIGINAL_MAX_SIDE) and one
  `w<width>.jpg` per DISPLAY_WIDTHS narrower than it, then deletes the upload. Raises ImageUndecodable when the
  pixels cannot be read after all (a truncated file that passed `verify()`).

Serving: `ResponsiveImage.srcset` lists every variant with its width for `<img srcset sizes>`.
"""

from __future__ import annotations

import io
import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from config.errors import DomainError

IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
ORIGINAL_MAX_SIDE = 2560
DISPLAY_WIDTHS = (480, 960, 1440)
JPEG_QUALITY = 86
VARIANT_QUALITY = 82
# MPO is what many phones' JPEGs are to Pillow.
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ALLOWED_FORMATS = frozenset(EXTENSIONS)
PROCESSING_PLACEHOLDER = "img/photo-processing.svg"

IMAGE_NOT_A_PICTURE = gettext_noop("사진 파일만 올릴 수 있어요. JPG, PNG, WEBP 파일로 다시 골라 주세요.")
IMAGE_TOO_LARGE = gettext_noop("사진은 한 장에 {max_mb}MB까지 올릴 수 있어요. 조금 작게 줄여서 올려 주세요.")
IMAGE_TOO_MANY_PIXELS = gettext_noop(
    "사진 크기가 너무 커요. {max_mp:,}만 화소 이하(예: 6000×4000)로 줄여서 다시 올려 주세요."
)
IMAGE_UNREADABLE = gettext_noop("사진을 읽을 수 없어요. 파일이 손상됐을 수 있으니 다른 사진으로 올려 주세요.")
IMAGE_EMPTY = gettext_noop("사진을 골라 주세요.")


class ImageUndecodable(Exception):
    """The stashed upload's pixels cannot be decoded (it passed the header checks in the request)."""


def max_bytes() -> int:
    return int(getattr(settings, "COMMUNITY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "COMMUNITY_IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS))


@dataclass(frozen=True)
class CheckedImage:
    """An upload that Pillow recognised, within the limits: its bytes as they came, format and header size."""

    data: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class ImageVariants:
    """What the task wrote: the clean original's path and size, and the display sizes keyed by width."""

    original: str
    width: int
    height: int
    renditions: dict[str, str]


def _error(message: str, code: str, **params: Any) -> DomainError:
    return DomainError(_(message).format(**params), code=code)


def _too_large() -> DomainError:
    return _error(IMAGE_TOO_LARGE, "image_too_large", max_mb=max_bytes() // (1024 * 1024))


def _too_many_pixels() -> DomainError:
    return _error(IMAGE_TOO_MANY_PIXELS, "image_too_many_pixels", max_mp=max_pixels() // 10_000)


def image_check(*, upload: Any) -> CheckedImage:
    """Verify one uploaded file (a Django UploadedFile or any file-like object) without decoding its pixels.

    Raises DomainError for: nothing chosen, more than max_bytes(), not a picture in ALLOWED_FORMATS, more than
    max_pixels(), or a file whose structure Pillow's verify() rejects.
    """
    if upload is None:
        raise _error(IMAGE_EMPTY, "image_missing")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(max_bytes() + 1)
    if not raw:
        raise _error(IMAGE_EMPTY, "image_missing")
    if len(raw) > max_bytes():
        raise _too_large()
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns (then raises) past its limit; ours is lower and checked first.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                fmt, (width, height) = probe.format, probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise _error(IMAGE_NOT_A_PICTURE, "image_invalid")
                if width < 1 or height < 1 or width * height > max_pixels():
                    raise _too_many_pixels()
                probe.verify()
            _decode_cheaply(raw, fmt)
        except UnidentifiedImageError as exc:
            raise _error(IMAGE_NOT_A_PICTURE, "image_invalid") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
            raise _error(IMAGE_UNREADABLE, "image_unreadable") from exc
    return CheckedImage(data=raw, format=fmt, width=width, height=height)


def _decode_cheaply(raw: bytes, fmt: str) -> None:
    """Catch truncated files in the request: JPEGs decode at 1/8 scale (DCT scaling), PNGs were fully checked by
    verify() (chunk CRCs up to IEND), the rest (WEBP, GIF) are decoded."""
    if fmt == "PNG":
        return
    with Image.open(io.BytesIO(raw)) as image:
        if fmt in ("JPEG", "MPO"):
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def image_stash(*, checked: CheckedImage, prefix: str) -> str:
    """Store the checked upload as it came, in a fresh folder under `prefix`; returns its storage path."""
    folder = f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    return default_storage.save(f"{folder}/upload.{checked.extension}", ContentFile(checked.data))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency goes onto white, palettes and greyscale+alpha are expanded."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    # Nothing from the upload's info (exif, xmp, comments, icc) is passed on: only pixels are written.
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _write(path: str, data: bytes) -> str:
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(data))


def _decode_upright(source: str) -> Image.Image:
    try:
        with default_storage.open(source, "rb") as handle, Image.open(handle) as image:
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", (ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE))  # decode big JPEGs at a smaller scale
            image.seek(0)  # the first frame of an animation
            image.load()
            return _flatten(ImageOps.exif_transpose(image) or image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ImageUndecodable(source) from exc


def image_variants_make(*, source: str) -> ImageVariants:
    """Re-encode the stashed upload at `source` into clean JPEGs beside it, then delete the upload.

    Safe to run twice: the same paths are written again. Raises FileNotFoundError when the upload is gone (the
    caller checks its row first) and ImageUndecodable when its pixels cannot be read.
    """
    folder = source.rsplit("/", 1)[0]
    rgb = _decode_upright(source)
    if max(rgb.size) > ORIGINAL_MAX_SIDE:
        rgb.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    original = _write(f"{folder}/original.jpg", _jpeg(rgb, quality=JPEG_QUALITY))
    renditions: dict[str, str] = {}
    for width in DISPLAY_WIDTHS:
        if width >= rgb.width:
            continue
        height = max(1, round(rgb.height * width / rgb.width))
        resized = rgb.resize((width, height), Image.Resampling.LANCZOS)
        renditions[str(width)] = _write(f"{folder}/w{width}.jpg", _jpeg(resized, quality=VARIANT_QUALITY))
    if source != original:
        default_storage.delete(source)
    return ImageVariants(original=original, width=rgb.width, height=rgb.height, renditions=renditions)


def image_discard(*, source: str) -> None:
    """Remove a stashed upload that will never be processed (undecodable)."""
    default_storage.delete(source)


class ResponsiveImage:
    """URLs for a model that holds one pipeline image: `stored_name`, `width`, `renditions` and `is_ready`.

    Until the task made the clean variants, every URL is the neutral placeholder: the stashed upload (EXIF and
    all) is never linked.
    """

    width: int
    height: int
    renditions: dict[str, str]
    is_ready: bool

    @property
    def stored_name(self) -> str:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The clean original (or the placeholder while it is being made)."""
        if not self.is_ready:
            return static(PROCESSING_PLACEHOLDER)
        return default_storage.url(self.stored_name)

    def url_for(self, width: int) -> str:
        """The smallest display size at least `width` wide, else the original."""
        if self.is_ready:
            for size in sorted(int(w) for w in self.renditions):
                if size >= width:
                    return default_storage.url(self.renditions[str(size)])
        return self.url

    @property
    def src(self) -> str:
        return self.url_for(960)

    @property
    def thumb(self) -> str:
        return self.url_for(480)

    @property
    def srcset(self) -> str:
        """`<img srcset>`: every display size, then the original at its own width (empty while processing)."""
        if not self.is_ready:
            return ""
        parts = [
            f"{default_storage.url(path)} {int(width)}w"
            for width, path in sorted(self.renditions.items(), key=lambda kv: int(kv[0]))
        ]
        if not any(int(w) == self.width for w in self.renditions):
            parts.append(f"{self.url} {self.width}w")
        return ", ".join(parts)

    @property
    def aspect(self) -> float:
        """height / width in percent, for boxes that keep their place while the picture loads."""
        return round(100 * self.height / self.width, 3) if self.width else 100.0
