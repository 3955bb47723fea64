"""찜: add or remove a product from the customer's wishlist with one toggle."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop.models import Product, WishlistItem

WISHLIST_PRODUCT_NOT_FOUND = gettext_noop("찾는 상품이 없어요.")


@transaction.atomic(durable=True)
def wishlist_toggle(*, user: User, product_id: int) -> bool:
    """Wishlist the product if it is not yet, else remove it. Returns whether it is wishlisted now.

    Two taps racing on the same heart end in one state: the (user, product) unique key turns a duplicate
    insert into a no-op.
    """
    if not Product.objects.filter(pk=product_id).exists():
        raise DomainError(_(WISHLIST_PRODUCT_NOT_FOUND), code="not_found", http_status=404)
    deleted, _rows = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            WishlistItem.objects.create(user=user, product_id=product_id)
    except IntegrityError:
        pass
    return True
