"""community's admin, one module per area (imported here so Django's autodiscovery finds them)."""

from community import admin_boards  # noqa: F401  (boards, Q&A, notices, 체험단, moderation: H7)
