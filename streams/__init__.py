"""Faust app, topics, agents and Kafka I/O: wiring only (pure logic lives in processors)."""
