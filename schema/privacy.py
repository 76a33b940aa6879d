"""Types of the privacy duties (resolvers/privacy.py)."""

from resolvers.privacy import Erasure
from schema.results import graphql_type

graphql_type(Erasure, "StudentErasure")

__all__ = ["Erasure"]
