"""The installed package's version, as the API reports it."""

from importlib.metadata import PackageNotFoundError, version


def app_version() -> str:
    try:
        return version("learnloom")
    except PackageNotFoundError:  # running from a checkout without an install
        return "0.0.0"
