"""The combine and roll-up stages handle a batch's partitions in one round.

One wait for the broker's acknowledgements and one drain of the changelogs per batch,
whatever the number of partitions in it; each partition's state is stored only after the
acknowledgement, with an event of that partition current (its changelog partition), and
the records are the ones the partitions would give one at a time (issue #9, session 14).
The real-broker behaviour (recovery, exactly-once counts) is in ``tests/integration``.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import orjson
from faust.streams import _current_event

from deinfluence import benchmark as bm
from deinfluence.components import make_classifier, pipeline_config
from deinfluence.errors import KafkaError
from deinfluence.processors.batch import prepare_batch
from deinfluence.processors.combine import CombineFold
from deinfluence.processors.rollup import PartitionRollup
from deinfluence.processors.source import SourceFold, routed_post
from deinfluence.settings import Settings
from deinfluence.streams import bundles, topics
from deinfluence.streams.agents import Agents
from deinfluence.streams.metrics import WorkerMetrics

PARTS = 4
SETTINGS = Settings()
CFG = pipeline_config(SETTINGS)


class Event:
    def __init__(self, topic: str, partition: int, offset: int, value: bytes) -> None:
        self.message = SimpleNamespace(topic=topic, partition=partition, offset=offset,
                                       value=value, timestamp=1.0)


def current_partition() -> int:
    ref = _current_event.get(None)
    event = ref() if ref is not None else None
    return event.message.partition


class PartitionStore(dict):
    """A combine table that fails a write made while another partition's event is current
    (Faust's table sends each write to the current event's changelog partition)."""

    def __setitem__(self, key: str, value: Any) -> None:
        assert key.split("|", 1)[0] == str(current_partition()), (key, current_partition())
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        assert key.split("|", 1)[0] == str(current_partition()), (key, current_partition())
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        assert key.split("|", 1)[0] == str(current_partition()), (key, current_partition())
        return super().pop(key, *default)


class Out:
    def __init__(self, log: list[Any], fail: bool = False) -> None:
        self.log = log
        self.fail = fail
        self.sent: list[tuple[str, int | None, bytes]] = []

    async def send(self, topic: str, key: bytes | None, value: bytes, partition: int | None = None) -> None:
        self.log.append(("send", topic))
        self.sent.append((topic, partition, value))

    async def acked(self) -> None:
        self.log.append(("acked",))
        if self.fail:
            raise KafkaError("output record not delivered: broker says no")


class Runtime:
    """What the two stages use of ``streams.app.Runtime``, with folds that log their commits."""

    def __init__(self, fail: bool = False) -> None:
        self.log: list[Any] = []
        self.out = Out(self.log, fail)
        self.metrics = WorkerMetrics(process_metrics=False)
        self.cfg = CFG
        self.detector = None
        self.combine: dict[int, CombineFold] = {}
        self.rollup: dict[int, PartitionRollup] = {}

    def outputs(self, progress: bool = True) -> Out:
        return self.out

    def partitions(self, topic: str) -> int:
        return PARTS

    async def drain_tables(self) -> None:
        self.log.append(("drain",))

    def _logged(self, fold: Any) -> Any:
        commit = fold.commit

        def logged(*args: Any, **kwargs: Any) -> None:
            self.log.append(("commit", fold.q, current_partition()))
            commit(*args, **kwargs)
        fold.commit = logged
        return fold

    def combine_fold(self, q: int) -> CombineFold:
        if q not in self.combine:
            self.combine[q] = self._logged(CombineFold(q, PartitionStore(), CFG.eventtime))
        return self.combine[q]

    def rollup_fold(self, r: int) -> PartitionRollup:
        if r not in self.rollup:
            owns = lambda key: bundles.partition_for(key, PARTS) == r  # noqa: E731
            self.rollup[r] = self._logged(PartitionRollup(r, {}, CFG.eventtime, CFG.windows, owns=owns))
        return self.rollup[r]


def agents_on(rt: Runtime) -> Agents:
    agents = Agents.__new__(Agents)  # the stages' methods only, no Faust app
    agents.rt = rt  # type: ignore[assignment]
    return agents


def routed_events() -> dict[int, list[Event]]:
    """Two routed messages for each combine partition, from two raw partitions."""
    classifier = make_classifier(SETTINGS)
    posts = bm.generate_posts(400)
    by_q: dict[int, list[Event]] = {q: [] for q in range(PARTS)}
    for p in range(2):
        values = [(i, orjson.dumps(post)) for i, post in enumerate(posts[p::2])]
        batch = prepare_batch(values, CFG.limits, classifier, topics.RAW, p, 1_800_000_000_000)
        result = SourceFold(p, {}, CFG.eventtime).process(batch.items, batch.through)
        routed = [(it.event_ms, routed_post(it.post)) for it in result.routed]
        for q, part in enumerate(bundles.route_posts(routed, PARTS)):
            value = bundles.encode_routed(p, result.watermark, False, 2, part)
            by_q[q].append(Event(topics.ROUTED, q, len(by_q[q]), value))
    return by_q


def run(coro: Any) -> None:
    asyncio.run(coro)


def test_combine_batch_of_four_partitions_is_one_round() -> None:
    events = routed_events()
    rt = Runtime()
    run(agents_on(rt).combine_round(list(events.items())))
    kinds = [entry[0] for entry in rt.log]
    assert kinds.count("acked") == 1 and kinds.count("drain") == 1
    first_commit = kinds.index("commit")
    assert kinds.index("acked") < first_commit  # no state stored before the acknowledgement
    assert all(k == "send" for k in kinds[:kinds.index("acked")])
    assert kinds[-1] == "drain"
    commits = [entry for entry in rt.log if entry[0] == "commit"]
    assert [(q, cur) for _, q, cur in commits] == [(q, q) for q in range(PARTS)]
    assert len(rt.out.sent) == PARTS * PARTS  # every combine partition reports to every roll-up one


def test_combine_round_publishes_what_partitions_one_at_a_time_would() -> None:
    events = routed_events()
    together, apart = Runtime(), Runtime()
    run(agents_on(together).combine_round(list(events.items())))
    for q, evs in events.items():
        run(agents_on(apart).combine_round([(q, evs)]))
    assert [e[0] for e in apart.log].count("acked") == PARTS  # the old shape: a round each
    assert sorted(together.out.sent) == sorted(apart.out.sent)
    for q in range(PARTS):
        assert together.combine[q].progress() == apart.combine[q].progress()
        assert together.combine[q].progress()[0] >= 0


def test_rollup_batch_of_four_partitions_is_one_round_with_the_same_records() -> None:
    combine = Runtime()
    run(agents_on(combine).combine_round(list(routed_events().items())))
    by_r: dict[int, list[Event]] = {r: [] for r in range(PARTS)}
    for topic, r, value in combine.out.sent:
        assert topic == topics.PARTIALS and r is not None
        by_r[r].append(Event(topics.PARTIALS, r, len(by_r[r]), value))
    assert all(len(evs) == PARTS for evs in by_r.values())

    together, apart = Runtime(), Runtime()
    run(agents_on(together).rollup_round(list(by_r.items())))
    for r, evs in by_r.items():
        run(agents_on(apart).rollup_round([(r, evs)]))
    kinds = [entry[0] for entry in together.log]
    assert kinds.count("acked") == 1 and kinds.count("drain") == 1
    assert kinds.index("acked") < kinds.index("commit") and kinds[-1] == "drain"
    commits = [entry for entry in together.log if entry[0] == "commit"]
    assert [(r, cur) for _, r, cur in commits] == [(r, r) for r in range(PARTS)]
    assert sorted(together.out.sent) == sorted(apart.out.sent)
    pending = 0
    for r in range(PARTS):
        assert together.rollup[r].next_offset == apart.rollup[r].next_offset == PARTS
        updates = together.rollup[r].take_pending()
        assert updates == apart.rollup[r].take_pending()
        pending += len(updates)
    assert pending > 0  # the windows the partials touched, for the update timer


def test_a_failed_round_stores_nothing_and_exits_the_worker_for_a_restart() -> None:
    """The roll-up's staged state would otherwise stay in the folds of an agent that Faust
    restarts in the same process, and the round's windows would never be published."""
    combine = Runtime()
    run(agents_on(combine).combine_round(list(routed_events().items())))
    by_r: dict[int, list[Event]] = {r: [] for r in range(PARTS)}
    for _topic, r, value in combine.out.sent:
        by_r[r].append(Event(topics.PARTIALS, r, len(by_r[r]), value))
    for stage, inputs in (("combine", routed_events()), ("rollup", by_r)):
        rt = Runtime(fail=True)
        agents = agents_on(rt)
        exits: list[str] = []
        agents.exit_for_restart = exits.append  # type: ignore[method-assign]
        handle = agents.combine_round if stage == "combine" else agents.rollup_round
        run(agents.run_round(stage, handle, list(inputs.items())))
        assert exits == [f"{stage} stage failed"]
        assert [e[0] for e in rt.log].count("commit") == 0 and ("drain",) not in rt.log
        folds = rt.combine if stage == "combine" else rt.rollup
        for fold in folds.values():
            committed = fold.progress()[0] if stage == "combine" else fold.next_offset
            assert committed in (-1, 0), (stage, committed)
