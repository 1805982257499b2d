"""Client settings built from Settings: each protocol's spelling, and secrets kept out of reprs."""

from __future__ import annotations

import ssl
from pathlib import Path

import faust
import pytest

from deinfluence.errors import ConfigError
from deinfluence.settings import Settings
from deinfluence.streams.kafka import (
    aiokafka_config,
    confluent_config,
    faust_broker_kwargs,
    faust_broker_url,
)

SECRET = "s3cr3t-Pa55word"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECURITY_PROTOCOL", "SASL_USERNAME", "SASL_PASSWORD", "SSL_CA_FILE"):
        monkeypatch.delenv(f"DEINFLUENCE_{name}", raising=False)


def settings(**values: object) -> Settings:
    return Settings(bootstrap="k1:9093,k2:9093", **values)  # type: ignore[arg-type]


def sasl(protocol: str = "SASL_SSL", mechanism: str = "SCRAM-SHA-512") -> Settings:
    return settings(
        security_protocol=protocol, sasl_mechanism=mechanism,
        sasl_username="svc", sasl_password=SECRET,
    )  # fmt: skip


def test_plaintext_is_the_default() -> None:
    assert confluent_config(settings()) == {
        "bootstrap.servers": "k1:9093,k2:9093",
        "security.protocol": "plaintext",
    }
    assert faust_broker_kwargs(settings()) == {
        "broker": "kafka://k1:9093;kafka://k2:9093",
        "broker_credentials": None,
    }


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"])
def test_sasl_ssl_for_each_library(mechanism: str) -> None:
    conf = confluent_config(sasl(mechanism=mechanism))
    assert conf["security.protocol"] == "sasl_ssl"
    assert (conf["sasl.mechanism"], conf["sasl.username"], conf["sasl.password"]) == (
        mechanism, "svc", SECRET,
    )  # fmt: skip

    aio = aiokafka_config(sasl(mechanism=mechanism))
    assert aio["security_protocol"] == "SASL_SSL" and aio["sasl_mechanism"] == mechanism
    assert isinstance(aio["ssl_context"], ssl.SSLContext)
    assert aio["ssl_context"].verify_mode == ssl.CERT_REQUIRED

    creds = faust_broker_kwargs(sasl(mechanism=mechanism))["broker_credentials"]
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.protocol.value, creds.mechanism.value) == ("SASL_SSL", mechanism)
    assert creds.ssl_context is not None


def test_sasl_plaintext_has_no_tls() -> None:
    creds = faust_broker_kwargs(sasl("SASL_PLAINTEXT"))["broker_credentials"]
    assert creds.protocol.value == "SASL_PLAINTEXT" and creds.ssl_context is None
    assert "ssl_context" not in aiokafka_config(sasl("SASL_PLAINTEXT"))


def test_ssl_only_uses_tls_credentials() -> None:
    conf = confluent_config(settings(security_protocol="ssl"))
    assert conf["security.protocol"] == "ssl" and "sasl.mechanism" not in conf
    creds = faust_broker_kwargs(settings(security_protocol="SSL"))["broker_credentials"]
    assert isinstance(creds, faust.SSLCredentials)


def test_tls_files_are_passed_on(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    conf = confluent_config(settings(security_protocol="SSL", ssl_ca_file=ca))
    assert conf["ssl.ca.location"] == str(ca)
    with pytest.raises(ConfigError, match="TLS"):
        aiokafka_config(settings(security_protocol="SSL", ssl_ca_file=ca))  # file missing


def test_password_can_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET + "\n")
    values = settings(
        security_protocol="SASL_PLAINTEXT", sasl_username="svc", sasl_password_file=secret_file
    )
    assert confluent_config(values)["sasl.password"] == SECRET


def test_secrets_never_show_in_reprs() -> None:
    values = sasl()
    shown = [
        repr(confluent_config(values)),
        str(confluent_config(values)),
        repr(aiokafka_config(values)),
        repr(faust_broker_kwargs(values)),
        repr(values),
    ]
    assert all(SECRET not in text for text in shown)
    assert "svc" in shown[0]  # the user name is not a secret


@pytest.mark.parametrize(
    "values",
    [
        {"security_protocol": "SASL_SSL", "sasl_username": "svc"},  # no password
        {"security_protocol": "SASL_SSL", "sasl_password": SECRET},  # no user
        {
            "security_protocol": "SASL_SSL",
            "sasl_username": "svc",
            "sasl_password": SECRET,
            "sasl_mechanism": "GSSAPI",
        },
    ],  # fmt: skip
)
def test_incomplete_sasl_settings_are_config_errors(values: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        confluent_config(settings(**values))


def test_broker_url_forms() -> None:
    assert faust_broker_url(" a:1 , b:2 ") == "kafka://a:1;kafka://b:2"
    assert faust_broker_url("kafka://a:1") == "kafka://a:1"
    with pytest.raises(ConfigError):
        faust_broker_url(" , ")
