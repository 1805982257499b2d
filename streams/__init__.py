"""Kafka and Faust wiring: the app, its topics and tables, agents and HTTP endpoints."""
