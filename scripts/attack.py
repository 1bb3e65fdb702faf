#!/usr/bin/env python3
"""The attackers of scripts/attack.sh: every attack of the adversarial suite, made at once
and without pause for DURATION seconds against a hue-map on loopback, from client address
127.0.0.2 (the legitimate load comes from 127.0.0.1). Bounded in count and time; stops by
itself. Prints what it sent as one line.

Usage: attack.py BASE_URL TOKEN_ID DURATION"""
import json, random, socket, sys, threading, time, urllib.request

base, token_id, duration = sys.argv[1], sys.argv[2], float(sys.argv[3])
host, port = base.removeprefix("http://").split(":")
port = int(port)
SOURCE = "127.0.0.2"
deadline = time.monotonic() + duration
# Connections opened and held, and requests answered (by any status); "refused": connections
# the server closed at once or requests cut.
counts = {"silent": 0, "preface": 0, "wrong_secret": 0, "batch_10k": 0, "refused": 0}
lock = threading.Lock()

def count(kind):
    with lock:
        counts[kind] += 1

def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((SOURCE, 0))
    s.settimeout(5)
    s.connect((host, port))
    return s

def hold_sockets(kind, opening, how_many):
    """Keeps up to how_many connections open that send `opening` and then nothing."""
    held = []
    while time.monotonic() < deadline:
        held = [s for s in held if alive(s)]
        while len(held) < how_many and time.monotonic() < deadline:
            try:
                s = connect()
                if opening:
                    s.sendall(opening)
                held.append(s)
                count(kind)
            except OSError:
                count("refused")
                break
        time.sleep(0.2)
    for s in held:
        s.close()

def alive(s):
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)

def request(method, path, body=b"", headers=()):
    """One HTTP/1.1 request on a fresh connection from SOURCE; the status, or None."""
    try:
        s = connect()
        s.settimeout(30)
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        s.sendall(head.encode() + body)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        s.close()
        return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None
    except (OSError, ValueError, IndexError):
        # Refused (a cap) or cut: an attacker comes straight back, but its own CPU is on
        # our two cores, so it pauses a little rather than spin on refusals.
        count("refused")
        time.sleep(0.05)
        return None

def wrong_secrets():
    while time.monotonic() < deadline:
        secret = "%064x" % random.getrandbits(256)
        if request("POST", "/api/v1/offices", b"{}", [("Authorization", f"Bearer hmt_{token_id}_{secret}"), ("Content-Type", "application/json")]):
            count("wrong_secret")

def batches():
    points = [[round(random.uniform(107.0, 108.3), 6), round(random.uniform(15.9, 16.9), 6)] for _ in range(10_000)]
    body = json.dumps({"points": points}).encode()
    while time.monotonic() < deadline:
        if request("POST", "/api/v1/locate", body, [("Content-Type", "application/json")]):
            count("batch_10k")

workers = [
    threading.Thread(target=hold_sockets, args=("silent", b"", 1000)),
    threading.Thread(target=hold_sockets, args=("preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 500)),
]
workers += [threading.Thread(target=wrong_secrets) for _ in range(16)]
workers += [threading.Thread(target=batches) for _ in range(8)]
for w in workers:
    w.daemon = True
    w.start()
for w in workers:
    w.join(timeout=max(0.0, deadline - time.monotonic()) + 40)
cpu = time.process_time()
print("attack sent: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f"; the attacker used {cpu:.1f} s of CPU")
