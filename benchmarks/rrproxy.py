"""A small round-robin TCP proxy for the scale-out benchmark: each new client connection goes to the next backend.

    python -m benchmarks.rrproxy --listen 127.0.0.1:8100 --backend 127.0.0.1:8101 --backend 127.0.0.1:8102

It stands in for nginx's `upstream` block (docs/deploy.md) on a machine without one. Connection-level balancing
is what nginx does with keep-alive clients too; it listens on loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise argparse.ArgumentTypeError("the benchmark proxy serves loopback addresses only")
    return host, int(port)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(listen: tuple[str, int], backends: list[tuple[str, int]]) -> None:
    turn = itertools.cycle(backends)

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        host, port = next(turn)
        try:
            backend_reader, backend_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, backend_writer), _pipe(backend_reader, client_writer))

    server = await asyncio.start_server(handle, *listen)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=_address, required=True)
    parser.add_argument("--backend", type=_address, action="append", required=True)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.listen, args.backend))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
