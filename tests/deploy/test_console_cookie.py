"""The console's cookies carry `Secure` exactly when JOINTCHECK_COOKIE_SECURE (on by default in prod) says so."""

import pytest


@pytest.fixture(params=[True, False], ids=["behind-tls", "trusted-network-without-tls"])
def settings(request, settings):
    return settings.model_copy(update={"cookie_secure": request.param})


async def test_the_session_cookie_is_secure_as_configured(client, settings):
    page = await client.get("/console/login")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith("jc_session=") and "httponly" in cookie
    assert ("; secure" in cookie) is settings.cookie_secure
