"""In-process signals (blinker) for subscribers such as a UI that refreshes on changes.

``event_published`` is sent once per event after its transaction committed, with the event's
class as sender, so a subscriber can listen to one kind::

    from loyalty import signals
    from loyalty.domain.events import PointsEarned

    @signals.event_published.connect_via(PointsEarned)
    def on_earned(sender, event, engine):
        ...

Receivers run in the thread that committed (a background sync, for a UI): hand work over to
the UI thread rather than touching widgets from a receiver.
"""

from __future__ import annotations

from blinker import Namespace


_signals = Namespace()

event_published = _signals.signal(
    "event-published", doc="A committed domain event; sender is its class; kwargs event, engine."
)
settings_changed = _signals.signal(
    "settings-changed", doc="The engine's settings were replaced; kwargs settings, engine."
)
customers_changed = _signals.signal(
    "customers-changed", doc="Customers were added, edited or removed; kwargs customer_ids, engine."
)
job_ran = _signals.signal(
    "job-ran", doc="A job that runs by itself ran or could not start; kwargs run (a JobRun, or "
    "None), error (a LoyaltyError, or None), engine."
)
sync_progress = _signals.signal(
    "sync-progress", doc="A long POS sync recorded a batch; kwargs done and total (documents "
    "read so far and in all), finished (the last report of that sync), engine."
)
