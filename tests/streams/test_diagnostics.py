"""The SIGUSR1 task dump follows await chains through async generators."""

from __future__ import annotations

import asyncio
import io

from deinfluence.streams import diagnostics


async def _innermost(event: asyncio.Event) -> None:
    await event.wait()


async def _agen(event: asyncio.Event):  # type: ignore[no-untyped-def]
    await _innermost(event)
    yield 1


async def _consumer(event: asyncio.Event) -> None:
    async for _ in _agen(event):
        pass


def test_chain_reaches_the_frame_inside_an_async_generator() -> None:
    async def main() -> str:
        event = asyncio.Event()
        task = asyncio.create_task(_consumer(event), name="consumer")
        await asyncio.sleep(0.01)
        chain = diagnostics.await_chain(task)
        out = io.StringIO()
        diagnostics.dump(out)
        event.set()
        await task
        assert any("_agen" in line for line in chain), chain
        assert any("_innermost" in line for line in chain), chain
        assert chain[-1].startswith("-> <Future pending"), chain
        return out.getvalue()

    text = asyncio.run(main())
    assert "--- task 'consumer'" in text and "_innermost" in text
