"""Signals other apps (feed, crm) listen to; shop never imports them.

Every signal is sent from `transaction.on_commit`, so a receiver only ever sees committed orders.

- `order_placed(sender=Order, order=...)`: an order was created (stock reserved, payment not yet final).
- `order_paid(sender=Order, order=...)`: payment was confirmed (card approved or bank transfer received).
- `order_status_changed(sender=Order, order=..., previous=..., current=...)`: any status transition;
  `previous` and `current` are `Order.Status` values.
- `subscription_reminder_due(sender=Subscription, subscription=...)`: an essentials subscription delivers
  tomorrow (sent once per due date by the daily reminder task; the feed turns it into a feed item).
"""

from django.dispatch import Signal

order_placed = Signal()
order_paid = Signal()
order_status_changed = Signal()
subscription_reminder_due = Signal()
