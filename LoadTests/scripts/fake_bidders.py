#!/usr/bin/env python3
"""Real-time bidders for load tests: a minimal asyncio HTTP/1.1 keep-alive server on 127.0.0.1.

POST /bid/<anything> answers {"bid_cents": N} after a uniform delay in [--min-ms, --max-ms];
POST /never/<anything> never answers (the engine must cut it off at its deadline).
Usage: fake_bidders.py --port 18500 --min-ms 5 --max-ms 20
"""
import argparse
import asyncio
import random


async def handle(reader, writer, args):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            path = lines[0].split(b" ")[1]
            length = 0
            for line in lines[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            if path.startswith(b"/never"):
                await asyncio.sleep(3600)
                return
            await asyncio.sleep(random.uniform(args.min_ms, args.max_ms) / 1000)
            body = b'{"bid_cents": %d}' % random.randint(1000, 50000)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--min-ms", type=float, default=5)
    parser.add_argument("--max-ms", type=float, default=20)
    args = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: handle(r, w, args), "127.0.0.1", args.port, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
