"""The ground floor: what every other package may import and which imports nothing of the
project (settings, the error tree, time and id helpers, password hashing, webhook signing and
address checks, the small ASGI send helpers)."""
