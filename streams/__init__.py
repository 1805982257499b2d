"""Faust app, topics, agents, metrics and Kafka I/O: wiring only."""
