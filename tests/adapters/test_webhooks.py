"""Webhooks of saved searches: signed, retried with back-off, against a loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from skael_adapters.memory import MemoryDatabase
from skael_adapters.security import HmacTokenService
from skael_adapters.stores import LocalStore, StoreLoginThrottle, StoreRevokedTokens
from skael_adapters.system import FixedClock, PycountryCatalog
from skael_adapters.webhooks import SIGNATURE, TIMESTAMP, HttpWebhookSender
from skael_core.service import Ports, Skael
from skael_core.usecases.discovery import SearchRequest
from support import NOW, SECRET, EchoWriter, ListJobSource, fast_hasher, make_job, register
from webhook_receiver import running_receiver


def _sender(client: httpx.AsyncClient, **options: object) -> HttpWebhookSender:
    values: dict[str, object] = {"wait_initial": 0.01, "wait_max": 0.05, "allow_private": True}
    return HttpWebhookSender(client, FixedClock(NOW), **(values | options))  # type: ignore[arg-type]


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    signed = headers[TIMESTAMP].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers[SIGNATURE])


async def test_a_delivery_is_signed_and_retried_after_server_errors() -> None:
    with running_receiver() as receiver:
        receiver.script = [503, 500, 200]
        async with httpx.AsyncClient() as client:
            error = await _sender(client).send(receiver.url, "k3y", b'{"a": 1}')
        assert error is None
        assert len(receiver.deliveries) == 3
        last = receiver.deliveries[-1]
        assert last.body == b'{"a": 1}' and _valid("k3y", last.headers, last.body)
        assert last.headers[TIMESTAMP] == str(int(NOW.timestamp()))
        assert not _valid("other", last.headers, last.body)


async def test_a_delivery_gives_up_and_says_why() -> None:
    with running_receiver() as receiver:
        receiver.script = [500]
        async with httpx.AsyncClient() as client:
            sender = _sender(client, attempts=3)
            assert "HTTP 500" in (await sender.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 3
            receiver.script = [410]
            assert "HTTP 410" in (await sender.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 4  # a 4xx is final: not retried
            guarded = _sender(client, allow_private=False)
            assert "private" in (await guarded.send(receiver.url, "k", b"{}") or "")
            assert len(receiver.deliveries) == 4


async def test_a_search_run_sends_its_new_matches_to_the_webhook() -> None:
    clock = FixedClock(NOW)
    with running_receiver() as receiver:
        receiver.script = [502, 200]
        async with httpx.AsyncClient() as client:
            core = Skael(
                Ports(
                    uow=MemoryDatabase().unit_of_work,
                    clock=clock,
                    hasher=fast_hasher(),
                    tokens=HmacTokenService(SECRET, clock),
                    revoked=StoreRevokedTokens(LocalStore(), clock),
                    throttle=StoreLoginThrottle(LocalStore()),
                    source=ListJobSource([make_job(n) for n in range(1, 4)]),
                    writer=EchoWriter(),
                    countries=PycountryCatalog(),
                    webhooks=_sender(client),
                )
            )
            ada = await register(core, skills=["python"])
            request = SearchRequest(webhook_url=receiver.url)
            search = await core.create_search.execute(ada.user_id, None, request)
            (run,) = await core.run_due_searches.execute()
            clock.advance(days=1)
            (again,) = await core.run_due_searches.execute()
    assert run.webhook == "delivered" and len(receiver.deliveries) == 2
    delivery = receiver.deliveries[-1]
    assert search.webhook_secret and _valid(search.webhook_secret, delivery.headers, delivery.body)
    sent = json.loads(delivery.body)
    assert sent["event"] == "new_matches" and sent["search_id"] == search.id
    assert sorted(m["notification_id"] for m in sent["matches"]) == sorted(
        n.id for n in run.notified
    )
    assert {m["job_title"] for m in sent["matches"]} == {"Senior Python Developer"}
    assert again.notified == () and again.webhook is None  # nothing new: nothing sent


async def test_a_host_name_of_a_private_address_is_refused_before_any_request() -> None:
    names = {
        "inside.example": ["93.184.216.34", "10.0.0.7"],  # one private address is enough
        "mapped.example": ["::ffff:127.0.0.1"],
        "metadata.example": ["169.254.169.254"],
        "zero.example": ["0.0.0.0"],
    }
    asked: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return names.get(host, [])

    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        sender = _sender(client, allow_private=False, resolver=resolver)
        for host in names:
            refused = await sender.send(f"https://{host}/hook", "k", b"{}")
            assert "private" in (refused or ""), host
        for url in ("http://[::1]:8080/h", "http://192.168.1.5/h", "http://api.localhost/h"):
            assert "private" in (await sender.send(url, "k", b"{}") or ""), url
        assert requests == []
        assert ("inside.example", 443) in asked
        names["public.example"] = ["93.184.216.34"]
        assert await sender.send("http://public.example:8080/hook", "k", b"{}") is None
        assert [str(r.url) for r in requests] == ["http://public.example:8080/hook"]
        assert ("public.example", 8080) in asked
