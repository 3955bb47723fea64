"""Small helpers the tests share that are not fixtures."""

import uuid


def returning_visitor(client) -> None:
    """Give an anonymous test client the visitor cookie a second visit carries.

    A first-time visitor costs the feed no query (its visitor row is read only once the cookie comes back), so a
    query-count test that compares two renders must start from a returning visitor, or the second render pays for
    the cookie the first one set.
    """
    client.cookies["dg_vid"] = str(uuid.uuid4())
