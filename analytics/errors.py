"""The analytics package's own failures. They say what went wrong in the warehouse or its
sources, not how a protocol reports it: the resolvers map them to the API's errors
(resolvers/warehouse.py), the command line prints them."""

Details = dict[str, list[str]]


class AnalyticsError(Exception):
    default_message = "The analytics warehouse could not do this"

    def __init__(self, message: str | None = None, details: Details | None = None) -> None:
        self.message = message or self.default_message
        self.details: Details = details or {}
        super().__init__(self.message)

    def reasons(self) -> str:
        return "; ".join(m for messages in self.details.values() for m in messages)


class RefreshInProgress(AnalyticsError):
    """Another refresh holds the lock."""

    default_message = "A data refresh is already running; try again when it ends"


class BadSource(AnalyticsError):
    """The data source named cannot be read as one (unknown kind, not an OULAD folder,
    unknown presentation codes); `details` says why, under `source`."""

    default_message = "The data source cannot be read"
