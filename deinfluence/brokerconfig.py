"""Configuration files and JVM options of the local broker, tuned for a small (2-core) machine.

Single node, so every replication factor and min ISR is 1; Faust needs its internal
topics, so topics are auto-created (the project's own topics are created explicitly by
``deinfluence topics create``). ``message.max.bytes`` is 10 MiB, above the pipeline's
own raw-message limit, so oversized posts reach the worker and are dead-lettered there
instead of being refused by the broker.
"""

from __future__ import annotations

from pathlib import Path

from deinfluence.localtls import TlsMaterial

_SERVER = """\
# Written by deinfluence (deinfluence/brokerconfig.py) on every `kafka up`; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{host}:{controller_port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listeners={listeners}
advertised.listeners={advertised}
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL
log.dirs={log_dirs}
num.partitions=8
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
message.max.bytes=10485760
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=33554432
log.retention.hours=168
"""

_SASL_SSL = """\
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location={keystore}
listener.name.sasl_ssl.ssl.keystore.password={password}
listener.name.sasl_ssl.ssl.client.auth=none
"""

_LOG4J2 = """\
name = deinfluence-local-kafka
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {logs}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
"""

_LOG4J1 = """\
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File={logs}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
"""


def write_configs(
    data_dir: Path,
    host: str,
    port: int,
    sasl_ssl_port: int | None = None,
    tls: TlsMaterial | None = None,
) -> Path:
    """Write ``server.properties`` and the logging configs into ``data_dir``; return the former."""
    listeners = [f"PLAINTEXT://{host}:{port}", f"CONTROLLER://{host}:{port + 1}"]
    advertised = [f"PLAINTEXT://{host}:{port}"]
    if sasl_ssl_port is not None:
        listeners.append(f"SASL_SSL://{host}:{sasl_ssl_port}")
        advertised.append(f"SASL_SSL://{host}:{sasl_ssl_port}")
    text = _SERVER.format(
        host=host,
        controller_port=port + 1,
        listeners=",".join(listeners),
        advertised=",".join(advertised),
        log_dirs=data_dir / "data",
    )
    if sasl_ssl_port is not None and tls is not None:
        text += _SASL_SSL.format(keystore=tls.keystore_file, password=tls.keystore_password)
    props = data_dir / "server.properties"
    props.touch(mode=0o600)  # may hold the keystore password
    props.write_text(text)
    logs = data_dir / "logs"
    (data_dir / "log4j2.properties").write_text(_LOG4J2.format(logs=logs))
    (data_dir / "log4j.properties").write_text(_LOG4J1.format(logs=logs))
    return props


def jvm_options(data_dir: Path, heap: str) -> list[str]:
    """JVM flags: a small heap and quick startup; logs under ``data_dir/logs``."""
    return [
        f"-Xmx{heap}",
        "-Xms128m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={data_dir / 'logs'}",
        f"-Dlog4j2.configurationFile={data_dir / 'log4j2.properties'}",
        f"-Dlog4j.configuration=file:{data_dir / 'log4j.properties'}",
    ]
