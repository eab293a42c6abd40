"""PDFs are typeset off the event loop, once per distinct PDF, with a bounded queue."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal

import httpx2
import pytest
from pydantic import BaseModel
from starlette.types import ASGIApp

from api import Settings, create_app
from api.render import pdf
from api.render.context import RenderContext
from api.render.document import Document
from api.render.pool import RenderPool
from tests.conftest import BUNDLE

pytestmark = pytest.mark.live  # a worker process of ours typesets the PDFs

STEP = "/v1/self-tests/muscular-minesweeper/steps/{}.pdf"
CHEAP = "/v1/muscles/gluteus-maximus"


class ManyClients(httpx2.AsyncBaseTransport):
    """Each request from an address of its own, as many readers send them: a client's own PDFs
    take turns (``api.edge.fairness``), so the pool is filled by several clients."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.count = itertools.count(1)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        address = (f"192.0.2.{next(self.count) % 250 + 1}", 50_000)
        transport = httpx2.ASGITransport(app=self.app, client=address)
        return await transport.handle_async_request(request)


def client_for(processes: int, queue: int) -> tuple[httpx2.AsyncClient, RenderPool]:
    settings = Settings(
        bundle=BUNDLE, render_processes=processes, render_queue=queue, response_cache_mb=0
    )
    app = create_app(settings)
    transport = ManyClients(app)
    client = httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")
    return client, app.state.render_pool


def test_a_pdf_flood_leaves_other_requests_answered_and_is_bounded() -> None:
    async def scenario() -> None:
        client, pool = client_for(1, 2)
        async with client:
            warm = await client.get(STEP.format(1))  # the worker has started and imported
            assert warm.status_code == 200
            pdfs = [asyncio.create_task(client.get(STEP.format(n))) for n in (2, 3)]
            while pool.in_flight < 2:
                await asyncio.sleep(0.001)
            # While both are typeset, the loop answers cheap requests...
            for _ in range(20):
                assert (await client.get(CHEAP)).status_code == 200
            assert not all(task.done() for task in pdfs)
            # ...and refuses a third distinct PDF at once, saying when to come back.
            refused = await client.get(STEP.format(4))
            assert refused.status_code == 503
            assert refused.headers["content-type"] == "application/problem+json"
            assert int(refused.headers["retry-after"]) >= 1
            answers = await asyncio.gather(*pdfs)
            assert [a.status_code for a in answers] == [200, 200]
            assert all(a.content.startswith(b"%PDF-") for a in answers)
            assert pool.in_flight == 0
            assert (await client.get(STEP.format(4))).status_code == 200  # room again

    asyncio.run(asyncio.wait_for(scenario(), 180))  # bounded, whatever happens


def test_the_same_pdf_asked_at_once_is_typeset_once() -> None:
    async def scenario() -> None:
        client, pool = client_for(1, 1)  # room for one render: the others must join it
        async with client:
            asked = [asyncio.create_task(client.get(STEP.format(5))) for _ in range(4)]
            answers = await asyncio.gather(*asked)
            assert [a.status_code for a in answers] == [200] * 4
            assert len({a.content for a in answers}) == 1
            assert pool.in_flight == 0

    asyncio.run(asyncio.wait_for(scenario(), 180))  # bounded, whatever happens


def test_a_killed_worker_is_replaced_and_readyz_says_so_meanwhile() -> None:
    """``kill -KILL`` of a typesetting worker (as the OOM killer does): the render it was doing
    is typeset again in a new pool, later PDFs are answered, and /readyz tells the truth."""

    async def scenario() -> None:
        client, pool = client_for(1, 4)
        async with client:
            assert (await client.get(STEP.format(1))).status_code == 200
            replaced = pool.replaced
            worker = await asyncio.to_thread(pool._pool().submit(os.getpid).result, 30)
            running = asyncio.create_task(client.get(STEP.format(2)))
            while pool.in_flight < 1:
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.2)  # the one worker has taken the render up
            os.kill(worker, signal.SIGKILL)
            answered = await running
            assert answered.status_code == 200
            assert answered.content.startswith(b"%PDF-")
            seen = set()
            for _ in range(600):  # 30 s at most
                state = (await client.get("/readyz")).json()["render_pool"]
                seen.add(state)
                if state == "ready" and pool.replaced > replaced:
                    break
                await asyncio.sleep(0.05)
            assert pool.replaced == replaced + 1
            assert seen <= {"ready", "rebuilding"}
            assert (await client.get(STEP.format(3))).status_code == 200
            assert (await client.get("/readyz")).json()["render_pool"] == "ready"

    asyncio.run(asyncio.wait_for(scenario(), 180))  # bounded, whatever happens


def test_a_pdf_refused_for_want_of_a_worker_is_refused_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Admission at the edge: while the pool is full, a new PDF is a 503 at once, without its
    view or markup built on the event loop (a flood of refusals costs the loop next to nothing)."""
    built: list[str] = []
    build = pdf.build_document

    def counted(view: BaseModel, context: RenderContext) -> Document:
        built.append(type(view).__name__)
        return build(view, context)

    monkeypatch.setattr(pdf, "build_document", counted)

    async def scenario() -> None:
        client, pool = client_for(1, 1)
        async with client:
            assert (await client.get(STEP.format(1))).status_code == 200
            typeset = asyncio.create_task(client.get(STEP.format(2)))
            while pool.in_flight < 1:
                await asyncio.sleep(0.001)
            before = len(built)
            for n in (3, 4, 5):
                refused = await client.get(STEP.format(n))
                assert refused.status_code == 503
                assert int(refused.headers["retry-after"]) >= 1
            assert len(built) == before  # nothing was built for the refused three
            assert (await typeset).status_code == 200

    asyncio.run(asyncio.wait_for(scenario(), 180))  # bounded, whatever happens
