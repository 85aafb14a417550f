"""Start the test provider: ``python -m tests.oidc_provider --port 8090 --config FILE``.

Makes a fresh database and RSA signing key in ``--data-dir`` (a temporary folder unless
given), registers the clients and people that the JSON config lists, and serves on
127.0.0.1 until stopped. ``demo.json`` beside this file is the demo's configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent


def new_rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def seed(config: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    people = get_user_model()
    for person in config.get("users", []):
        user, _ = people.objects.get_or_create(username=person["email"])
        user.email = person["email"]
        user.first_name = person.get("name", "")
        user.set_password(person["password"])
        user.save()
    for client in config.get("clients", []):
        app = Application.objects.filter(client_id=client["client_id"]).first() or Application(
            client_id=client["client_id"]
        )
        app.name = client["name"]
        app.client_secret = client["client_secret"]
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.algorithm = Application.RS256_ALGORITHM
        app.redirect_uris = " ".join(client["redirect_uris"])
        app.skip_authorization = False
        app.save()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--config", default=str(HERE / "demo.json"))
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="oidc-provider-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PROVIDER_DB"] = str(data_dir / "provider.sqlite3")
    os.environ.setdefault("PROVIDER_RSA_KEY", new_rsa_key())
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed(json.loads(Path(args.config).read_text()))
    print(f"Test OpenID provider: issuer http://127.0.0.1:{args.port}/o", flush=True)
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    sys.exit(main())
