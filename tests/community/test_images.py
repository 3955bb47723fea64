"""Uploaded pictures: verified with Pillow, capped in bytes and pixels, stored without EXIF, with display sizes."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.images import (
    DISPLAY_WIDTHS,
    IMAGE_NOT_A_PICTURE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_UNREADABLE,
    image_store,
)
from community.models import CommunityImage
from config.errors import DomainError
from tests.accounts.factories import UserFactory
from uploads.images import PROCESSING_PLACEHOLDER

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_gps(*, width: int = 1600, height: int = 1200, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 80))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera 1.0"  # Software
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 33.0, 58.0), 3: "E", 4: (126.0, 58.0, 41.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def _upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (the data is a few bytes of zeros)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_fixture_jpeg_really_carries_gps():
    """Guards the test below: the upload we make has a GPS block, so its absence afterwards means something."""
    with Image.open(io.BytesIO(_jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


def _store(django_capture_on_commit_callbacks, data: bytes, *names, owner=None) -> CommunityImage:
    with django_capture_on_commit_callbacks(execute=True):
        stored = image_store(upload=_upload(data, *names), owner=owner)
    stored.refresh_from_db()
    return stored


def test_image_store_keeps_the_upload_unlinked_until_the_task_runs_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored = image_store(upload=_upload(_jpeg_with_gps()))

    assert len(callbacks) == 1
    assert not stored.is_ready
    assert stored.srcset == ""
    assert stored.src.endswith(PROCESSING_PLACEHOLDER)
    with default_storage.open(stored.file.name, "rb") as handle:
        assert b"PhoneMaker" in handle.read()  # still as uploaded: which is why no page links it yet

    callbacks[0]()
    stored.refresh_from_db()
    assert stored.is_ready
    assert "w480.jpg 480w" in stored.srcset


def test_image_store_jpeg_with_gps_is_stored_without_any_exif(django_capture_on_commit_callbacks):
    user = UserFactory()
    stored = _store(django_capture_on_commit_callbacks, _jpeg_with_gps(), owner=user)

    for path in [stored.file.name, *stored.renditions.values()]:
        with default_storage.open(path, "rb") as handle:
            raw = handle.read()
        with Image.open(io.BytesIO(raw)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info
        assert b"Exif" not in raw
        assert b"PhoneMaker" not in raw
    assert not default_storage.exists(stored.file.name.rsplit("/", 1)[0] + "/upload.jpg")
    assert (stored.width, stored.height) == (1600, 1200)
    assert stored.owner == user


def test_image_store_applies_the_exif_orientation_before_dropping_it(django_capture_on_commit_callbacks):
    # Orientation 6: the camera held sideways; the stored picture stands upright (portrait).
    stored = _store(django_capture_on_commit_callbacks, _jpeg_with_gps(width=800, height=600, orientation=6))
    assert (stored.width, stored.height) == (600, 800)


def test_image_store_makes_display_sizes_narrower_than_the_original(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = image_store(upload=_upload(_jpeg_with_gps(width=1600, height=1200)))
    stored.refresh_from_db()
    assert sorted(int(w) for w in stored.renditions) == [w for w in DISPLAY_WIDTHS if w < 1600]
    for width, path in stored.renditions.items():
        with default_storage.open(path, "rb") as handle, Image.open(handle) as image:
            assert image.width == int(width)
            assert not image.getexif()
    assert "480w" in stored.srcset
    assert "1600w" in stored.srcset
    assert stored.thumb.endswith("w480.jpg")


def test_image_store_small_picture_has_only_its_original_in_srcset(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = image_store(upload=_upload(_jpeg_with_gps(width=300, height=200)))
    stored.refresh_from_db()
    assert stored.renditions == {}
    assert stored.srcset == f"{stored.url} 300w"


def test_image_store_png_with_transparency_becomes_a_jpeg_on_white(django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(buffer, format="PNG")
    stored = _store(django_capture_on_commit_callbacks, buffer.getvalue(), "clear.png", "image/png")
    with default_storage.open(stored.file.name, "rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=2)


def test_image_store_non_image_is_refused_with_a_message():
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(b"%PDF-1.7 not a picture at all", "document.pdf", "application/pdf"))
    assert caught.value.message == IMAGE_NOT_A_PICTURE
    assert CommunityImage.objects.count() == 0


def test_image_store_script_named_jpg_is_refused():
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(b"<script>alert(1)</script>", "evil.jpg"))
    assert caught.value.message == IMAGE_NOT_A_PICTURE


def test_image_store_30_megabyte_file_is_refused_before_decoding():
    data = _jpeg_with_gps(width=64, height=64) + b"\0" * (30 * 1024 * 1024)
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(data))
    assert caught.value.message == IMAGE_TOO_LARGE.format(max_mb=10)
    assert caught.value.code == "image_too_large"
    assert CommunityImage.objects.count() == 0


def test_image_store_file_object_without_size_is_still_capped():
    data = b"\xff\xd8" + b"\0" * (11 * 1024 * 1024)
    with pytest.raises(DomainError) as caught:
        image_store(upload=io.BytesIO(data))
    assert caught.value.code == "image_too_large"


@pytest.mark.parametrize(("width", "height"), [(10_000, 10_000), (50_000, 50_000)])
def test_image_store_decompression_bomb_is_refused_with_a_message(width, height):
    # 100 MP (past our cap, past Pillow's warning) and 2,500 MP (past Pillow's hard limit): both tiny files.
    data = _png_bomb(width, height)
    assert len(data) < 1024
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(data, "bomb.png", "image/png"))
    assert caught.value.message == IMAGE_TOO_MANY_PIXELS.format(max_mp=4000)
    assert "4,000만 화소" in caught.value.message
    assert CommunityImage.objects.count() == 0


def test_image_store_pixel_cap_comes_from_settings(settings):
    settings.COMMUNITY_IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(_jpeg_with_gps(width=200, height=100)))
    assert caught.value.code == "image_too_many_pixels"


def test_image_store_truncated_jpeg_is_refused_as_unreadable():
    data = _jpeg_with_gps(width=400, height=300)
    with pytest.raises(DomainError) as caught:
        image_store(upload=_upload(data[: len(data) // 2]))
    assert caught.value.message in (IMAGE_UNREADABLE, IMAGE_NOT_A_PICTURE)


def test_image_store_huge_original_is_scaled_down_when_stored(django_capture_on_commit_callbacks):
    stored = _store(django_capture_on_commit_callbacks, _jpeg_with_gps(width=5000, height=2500))
    assert (stored.width, stored.height) == (2560, 1280)


def test_an_upload_the_renditions_task_cannot_decode_is_deleted_from_storage(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored = image_store(upload=_upload(_jpeg_with_gps()))
    path = stored.file.name
    with default_storage.open(path, "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 no longer a picture")

    callbacks[0]()

    assert not default_storage.exists(path)
    stored.refresh_from_db()
    assert not stored.is_ready
