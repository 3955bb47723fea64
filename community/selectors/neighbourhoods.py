"""Reads for 동네: neighbourhoods and distances between them, a user's verified 동, local stores and their reviews."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from community.models import LocalStore, LocalStoreReview, Neighbourhood, Residency

EARTH_RADIUS_M = 6_371_000


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points in degrees (good to a few metres at city scale)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_to_m(neighbourhood: Neighbourhood, latitude: float, longitude: float) -> float:
    return haversine_m(float(neighbourhood.latitude), float(neighbourhood.longitude), latitude, longitude)


def verify_radius_m() -> int:
    return int(settings.COMMUNITY_NEIGHBOURHOOD_RADIUS_M)


def nearby_radius_m() -> int:
    return int(settings.COMMUNITY_NEARBY_RADIUS_M)


def neighbourhood_list() -> list[Neighbourhood]:
    """Every 동 (a few dozen rows), grouped by 구 in name order."""
    return list(Neighbourhood.objects.order_by("district", "name"))


def neighbourhood_get(*, slug: str) -> Neighbourhood:
    return Neighbourhood.objects.get(slug=slug)


@dataclass(frozen=True)
class Nearby:
    neighbourhood: Neighbourhood
    distance_m: float

    @property
    def distance_km(self) -> str:
        return f"{self.distance_m / 1000:.1f}"


def neighbourhoods_nearby(*, neighbourhood: Neighbourhood, radius_m: int | None = None) -> list[Nearby]:
    """The 동 itself and every other whose centroid is within radius_m (default COMMUNITY_NEARBY_RADIUS_M),
    nearest first. One query: the table is small enough to measure in Python."""
    radius = nearby_radius_m() if radius_m is None else radius_m
    found = []
    for other in Neighbourhood.objects.all():
        d = distance_to_m(other, float(neighbourhood.latitude), float(neighbourhood.longitude))
        if other.pk == neighbourhood.pk or d <= radius:
            found.append(Nearby(neighbourhood=other, distance_m=0.0 if other.pk == neighbourhood.pk else d))
    found.sort(key=lambda n: (n.distance_m, n.neighbourhood.name))
    return found


def neighbourhoods_are_near(a: Neighbourhood, b: Neighbourhood) -> bool:
    if a.pk == b.pk:
        return True
    return distance_to_m(a, float(b.latitude), float(b.longitude)) <= nearby_radius_m()


def residency_for(*, user) -> Residency | None:
    """The user's verified 동 with its neighbourhood, or None (anonymous or not verified)."""
    if user is None or not user.is_authenticated:
        return None
    return Residency.objects.select_related("neighbourhood").filter(user=user).first()


def local_store_list(*, neighbourhood_ids: list[int], kind: str = "") -> QuerySet[LocalStore]:
    qs = LocalStore.objects.select_related("neighbourhood", "mall_store").filter(
        neighbourhood_id__in=neighbourhood_ids, is_hidden=False
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-review_count", "name", "pk")


def local_store_get(*, pk: int) -> LocalStore:
    return LocalStore.objects.select_related("neighbourhood", "mall_store").get(pk=pk)


def local_store_reviews(*, store: LocalStore) -> QuerySet[LocalStoreReview]:
    return (
        LocalStoreReview.objects.select_related("author")
        .filter(store=store, is_hidden=False)
        .order_by("-created_at", "-pk")
    )
