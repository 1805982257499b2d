"""Pure processing logic: no Faust, aiokafka or confluent_kafka imports here.

Everything takes and returns plain values or polars DataFrames, so it runs the same in
a Faust agent, in ``backfill``, in a benchmark and in a unit test.
"""
