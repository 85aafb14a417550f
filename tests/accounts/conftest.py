"""The real OpenID provider the single sign-on tests sign in at (one per test session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.accounts.sso_provider import Provider, provider_start, provider_stop


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """Started as its own process on a free 127.0.0.1 port; a failure to start fails the
    test (it never skips), so ``REQUIRE_SERVICES=1`` needs nothing more."""
    provider, process = provider_start(tmp_path_factory.mktemp("oidc-provider"))
    try:
        yield provider
    finally:
        provider_stop(process)
