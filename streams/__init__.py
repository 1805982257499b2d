"""Faust app, topics, agents and Kafka I/O: wiring only (see docs/ARCHITECTURE.md)."""
