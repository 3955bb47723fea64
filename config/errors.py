"""The one domain error type that services raise; views turn it into a form error or a 4xx."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule said no. `message` is shown to the user as it is (Korean, 해요체)."""

    http_status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status

    def __str__(self) -> str:
        return self.message
