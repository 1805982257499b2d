"""A throw-away certificate authority and broker certificate for the local broker's TLS listener.

Made with the ``openssl`` command line (present on every machine that has Python's ``ssl``
module in practice, and in the Debian base image), so no extra Python dependency is needed.
Meant for tests and demos only: keys are unencrypted on disk and valid for a few days.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from deinfluence.errors import LocalKafkaError

_BROKER_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""


@dataclass(frozen=True)
class TlsMaterial:
    """Files of a self-signed CA and a broker certificate it signed.

    Attributes:
        ca_file: PEM certificate of the CA (what clients trust).
        cert_file: PEM certificate of the broker (``localhost`` and ``127.0.0.1``).
        key_file: PEM private key of the broker (unencrypted).
        keystore_file: PKCS12 keystore with the broker key, certificate and CA chain.
        keystore_password: password of ``keystore_file``; never shown in ``repr``.
    """

    ca_file: Path
    cert_file: Path
    key_file: Path
    keystore_file: Path
    keystore_password: str = field(repr=False)


def make_tls_material(directory: Path, *, days: int = 7) -> TlsMaterial:
    """Create a CA and a broker certificate for ``localhost``/``127.0.0.1`` in ``directory``.

    Example:
        >>> tls = make_tls_material(Path(".local/tls"))  # doctest: +SKIP
        >>> tls.ca_file.name
        'ca.pem'
    """
    if shutil.which("openssl") is None:
        raise LocalKafkaError("the openssl command is needed to make test certificates")
    directory.mkdir(parents=True, exist_ok=True)
    d = directory
    password = secrets.token_urlsafe(18)
    (d / "broker.ext").write_text(_BROKER_EXTENSIONS)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "ca.key",
        "-out", d / "ca.pem", "-days", str(days), "-subj", "/CN=deinfluence local test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "broker.key",
        "-out", d / "broker.csr", "-subj", "/CN=localhost",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", d / "broker.csr", "-CA", d / "ca.pem", "-CAkey", d / "ca.key",
        "-CAcreateserial", "-out", d / "broker.pem", "-days", str(days),
        "-extfile", d / "broker.ext",
    )  # fmt: skip
    _openssl(
        "pkcs12", "-export", "-in", d / "broker.pem", "-inkey", d / "broker.key",
        "-certfile", d / "ca.pem", "-name", "broker", "-out", d / "broker.p12",
        "-passout", f"pass:{password}",
    )  # fmt: skip
    return TlsMaterial(
        ca_file=d / "ca.pem",
        cert_file=d / "broker.pem",
        key_file=d / "broker.key",
        keystore_file=d / "broker.p12",
        keystore_password=password,
    )


def _openssl(*args: object) -> None:
    cmd = ["openssl", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        # the command line may hold the keystore password: name only the sub-command
        raise LocalKafkaError(f"openssl {args[0]} failed: {proc.stderr.strip()[-500:]}")
